package ipam

import (
	"encoding"
	"encoding/binary"
	"fmt"
	"math/bits"
	"net/netip"
)

// The snapshot, version 1, in order:
//
//	version   1 byte, 1
//	prefixes  uvarint count, then per prefix in the pool's order: its
//	          family (1 byte, 4 or 6), its address (4 or 16 bytes) and its
//	          length (1 byte)
//	cursor    uvarint, the next-fit cursor as an index into the pool's
//	          usable addresses, so that a restored pool does not hand a
//	          just-released address straight out again
//	runs      uvarint count, then per run of allocated addresses two
//	          uvarints: the gap of free addresses before it (from index 0
//	          for the first run, from the end of the previous run for the
//	          others) and its length
//
// Indexes count usable addresses only, across the prefixes in order, so a
// run may continue from one prefix into the next. Every number is a
// minimal uvarint, every gap but the first and every length is at least 1,
// and nothing follows the last run: each allocated set has exactly one
// encoding, and a snapshot that decodes re-encodes to the same bytes. An
// empty or full /8 takes a few bytes; a scattered set takes about two
// bytes per run.
const poolSnapshotVersion = 1

var (
	_ encoding.BinaryMarshaler   = (*Pool)(nil)
	_ encoding.BinaryUnmarshaler = (*Pool)(nil)
)

// MarshalBinary returns a snapshot of the allocated addresses and the
// cursor (encoding.BinaryMarshaler). It never fails.
func (p *Pool) MarshalBinary() ([]byte, error) {
	runs := p.bits.runs()
	// Two bytes a run is exact for a dense scattered pool (gaps and
	// lengths under 128); a sparser one grows the buffer once or twice.
	buf := make([]byte, 0, 1+binary.MaxVarintLen64*3+len(p.ranges)*18+runs*2)
	buf = append(buf, poolSnapshotVersion)
	buf = binary.AppendUvarint(buf, uint64(len(p.ranges)))
	for i := range p.ranges {
		pfx := p.ranges[i].prefix
		if pfx.Addr().Is4() {
			a := pfx.Addr().As4()
			buf = append(buf, 4)
			buf = append(buf, a[:]...)
		} else {
			a := pfx.Addr().As16()
			buf = append(buf, 6)
			buf = append(buf, a[:]...)
		}
		buf = append(buf, byte(pfx.Bits()))
	}
	buf = binary.AppendUvarint(buf, uint64(p.cursor))
	buf = binary.AppendUvarint(buf, uint64(runs))
	end := 0 // end of the previous run
	for i := p.bits.nextSet(0, p.size); i < p.size; i = p.bits.nextSet(end, p.size) {
		gap := i - end
		if end = p.bits.findFree(i); end < 0 {
			end = p.size
		}
		buf = binary.AppendUvarint(buf, uint64(gap))
		buf = binary.AppendUvarint(buf, uint64(end-i))
	}
	return buf, nil
}

// UnmarshalBinary restores the allocated addresses and the cursor from a
// snapshot made by MarshalBinary (encoding.BinaryUnmarshaler), replacing
// the pool's. The snapshot's prefixes must equal the pool's: restore into
// a pool made with NewPool from the same configuration. Every field is
// checked before anything changes; on error, which wraps
// ErrInvalidSnapshot, the pool is unchanged.
func (p *Pool) UnmarshalBinary(data []byte) error {
	d := poolDecoder{b: data}
	runsAt := p.decodeHeader(&d)
	d.runs(p.size, nil)
	if d.err == nil && d.off != len(d.b) {
		d.fail("%d bytes after the last run", len(d.b)-d.off)
	}
	if d.err != nil {
		return d.err
	}
	p.cursor = d.cursor
	p.bits.reset()
	d = poolDecoder{b: data, off: runsAt}
	d.runs(p.size, p.bits.fill)
	p.bits.rebuild()
	p.used = 0
	for k := range p.ranges {
		r := &p.ranges[k]
		r.used = p.bits.count(r.base, r.base+r.n)
		p.used += r.used
	}
	return nil
}

// decodeHeader checks the version, the prefixes and the cursor, and
// returns the offset of the runs.
func (p *Pool) decodeHeader(d *poolDecoder) int {
	if v := d.byte(); d.err == nil && v != poolSnapshotVersion {
		d.fail("version %d, want %d", v, poolSnapshotVersion)
	}
	if n := d.uvarint(); d.err == nil && n != uint64(len(p.ranges)) {
		d.fail("%d prefixes, the pool has %d", n, len(p.ranges))
	}
	for i := 0; i < len(p.ranges) && d.err == nil; i++ {
		var addr netip.Addr
		switch fam := d.byte(); fam {
		case 4:
			addr = netip.AddrFrom4([4]byte(d.bytes(4)))
		case 6:
			addr = netip.AddrFrom16([16]byte(d.bytes(16)))
		default:
			d.fail("address family %d, want 4 or 6", fam)
		}
		pfx := netip.PrefixFrom(addr, int(d.byte()))
		if d.err == nil && pfx != p.ranges[i].prefix {
			d.fail("prefix %d is %v, the pool's is %v", i, pfx, p.ranges[i].prefix)
		}
	}
	c := d.uvarint()
	if d.err == nil && c >= uint64(max(p.size, 1)) {
		d.fail("cursor %d outside the pool's %d addresses", c, p.size)
	}
	d.cursor = int(c)
	return d.off
}

// poolDecoder reads a snapshot; the first problem sticks in err, and the
// reads after it return zeros.
type poolDecoder struct {
	b      []byte
	off    int
	err    error
	cursor int
	zero   [16]byte
}

func (d *poolDecoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: at byte %d: %s", ErrInvalidSnapshot, d.off, fmt.Sprintf(format, args...))
	}
}

func (d *poolDecoder) byte() byte {
	return d.bytes(1)[0]
}

// bytes returns the next n bytes (n <= 16), or zeros past the end.
func (d *poolDecoder) bytes(n int) []byte {
	if d.err != nil || len(d.b)-d.off < n {
		d.fail("truncated")
		return d.zero[:n]
	}
	d.off += n
	return d.b[d.off-n : d.off]
}

// uvarint reads a minimal uvarint.
func (d *poolDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	if d.off < len(d.b) && d.b[d.off] < 0x80 {
		// One byte, the common case in a dense snapshot.
		d.off++
		return uint64(d.b[d.off-1])
	}
	v, n := binary.Uvarint(d.b[d.off:])
	switch {
	case n == 0:
		d.fail("truncated")
		return 0
	case n < 0:
		d.fail("number overflows 64 bits")
		return 0
	case n != poolUvarintLen(v):
		d.fail("number %d not minimally encoded", v)
		return 0
	}
	d.off += n
	return v
}

// poolUvarintLen returns the length of v's minimal uvarint encoding.
func poolUvarintLen(v uint64) int {
	return max(1, (bits.Len64(v)+6)/7)
}

// runs reads the runs of a pool of size addresses, checking that they
// lie inside it, and calls apply (if not nil) with each.
func (d *poolDecoder) runs(size int, apply func(i, n int)) {
	count := d.uvarint()
	// Each run takes at least two bytes: a larger count cannot be honest,
	// and would only make the loop below spin.
	if d.err == nil && count > uint64(len(d.b)-d.off)/2 {
		d.fail("%d runs in %d bytes", count, len(d.b)-d.off)
	}
	end := 0
	for k := uint64(0); k < count && d.err == nil; k++ {
		gap := d.uvarint()
		n := d.uvarint()
		switch {
		case d.err != nil:
		case gap == 0 && k > 0:
			d.fail("run %d touches the previous run", k)
		case n == 0:
			d.fail("run %d is empty", k)
		case gap > uint64(size-end) || n > uint64(size-end)-gap:
			d.fail("run %d ends past the pool's %d addresses", k, size)
		default:
			i := end + int(gap)
			end = i + int(n)
			if apply != nil {
				apply(i, int(n))
			}
		}
	}
}

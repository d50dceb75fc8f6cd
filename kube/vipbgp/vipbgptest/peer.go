package vipbgptest

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// PeerConfig configures a Peer.
type PeerConfig struct {
	// ASN is the peer's AS number; 0 means 65001.
	ASN uint32
	// AnnouncerASN is the AS number the peer expects of the announcer;
	// 0 means 65000.
	AnnouncerASN uint32
	// Address is the peer's address on the link; the zero value means
	// 10.200.0.2. The announcer's side of the link gets the same /24 with
	// last byte 1 (LocalAddress). Peers in one test need distinct /24s.
	// The link also carries IPv6 (Address6, LocalAddress6), and the peer
	// accepts a session from either of the announcer's addresses.
	Address netip.Addr
	// NoGracefulRestart turns the peer's graceful-restart helper off; it
	// is on by default.
	NoGracefulRestart bool
	// RestartTime is the restart time the peer itself advertises; 0
	// means 120s. (How long it keeps the announcer's routes is the
	// announcer's restart time.)
	RestartTime time.Duration
	// Password is the TCP MD5 key the peer expects; empty means none.
	Password string
}

// Peer is an upstream BGP router: a GoBGP speaker in a child process, in
// its own network namespace, listening on port 179 of its address for the
// announcer (passive), a graceful-restart helper unless told otherwise.
type Peer struct {
	cfg  PeerConfig
	dir  string
	link string

	mu     sync.Mutex
	cmd    *exec.Cmd
	conn   *grpc.ClientConn
	client api.GobgpApiClient
	cancel context.CancelFunc // ends the watch
	done   chan struct{}      // closed when the watch has ended
	events []Event
}

// StartPeer starts a peer for the test and stops it when the test ends.
// It needs root and Main (RequireRoot).
func StartPeer(t testing.TB, cfg PeerConfig) *Peer {
	t.Helper()
	RequireRoot(t)
	if cfg.ASN == 0 {
		cfg.ASN = 65001
	}
	if cfg.AnnouncerASN == 0 {
		cfg.AnnouncerASN = 65000
	}
	if !cfg.Address.IsValid() {
		cfg.Address = netip.AddrFrom4([4]byte{10, 200, 0, 2})
	}
	if !cfg.Address.Is4() {
		t.Fatalf("vipbgptest: the peer's address %v is not IPv4", cfg.Address)
	}
	if cfg.RestartTime == 0 {
		cfg.RestartTime = 120 * time.Second
	}
	a := cfg.Address.As4()
	p := &Peer{cfg: cfg, dir: t.TempDir(), link: fmt.Sprintf("vb%d-%d", a[2], a[3])}
	t.Cleanup(func() { p.stop(t, true) })
	if err := p.start(); err != nil {
		t.Fatalf("vipbgptest: starting the peer: %v", err)
	}
	return p
}

// Address is the peer's address, the one the announcer's Config.Peers
// names.
func (p *Peer) Address() netip.Addr { return p.cfg.Address }

// LocalAddress is the address of the announcer's side of the link, the
// session's local address and so the next hop of next-hop-self paths.
func (p *Peer) LocalAddress() netip.Addr {
	a := p.cfg.Address.As4()
	a[3] = 1
	return netip.AddrFrom4(a)
}

// Address6 is the peer's IPv6 address: fd00:200:X::Y for Address
// 10.200.X.Y.
func (p *Peer) Address6() netip.Addr { return six(p.cfg.Address) }

// LocalAddress6 is the IPv6 address of the announcer's side of the link,
// the next hop of next-hop-self IPv6 paths over an IPv6 session.
func (p *Peer) LocalAddress6() netip.Addr { return six(p.LocalAddress()) }

// six maps 10.200.X.Y to fd00:200:X::Y.
func six(a netip.Addr) netip.Addr {
	v := a.As4()
	return netip.AddrFrom16([16]byte{0: 0xfd, 2: 0x02, 5: v[2], 15: v[3]})
}

// ASN is the peer's AS number.
func (p *Peer) ASN() uint32 { return p.cfg.ASN }

// Stop ends the peer's process (SIGKILL) and removes its link: the peer
// goes away without a word, as a router that crashed or was unplugged.
// Its received updates (Events) are kept.
func (p *Peer) Stop(t testing.TB) {
	t.Helper()
	p.stop(t, false)
}

// Restart starts a stopped peer again, with an empty table and the same
// addresses.
func (p *Peer) Restart(t testing.TB) {
	t.Helper()
	if err := p.start(); err != nil {
		t.Fatalf("vipbgptest: restarting the peer: %v", err)
	}
}

// start runs the child process, links it and configures it.
func (p *Peer) start() error {
	p.mu.Lock()
	running := p.cmd != nil
	p.mu.Unlock()
	if running {
		return fmt.Errorf("the peer runs already")
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	sock := filepath.Join(p.dir, "gobgp.sock")
	_ = os.Remove(sock)
	logf, err := os.OpenFile(filepath.Join(p.dir, "peer.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), RoleEnv+"="+rolePeer, sockEnv+"="+sock)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return err
	}
	p.mu.Lock()
	p.cmd = cmd
	p.mu.Unlock()
	if err := p.plug(cmd.Process.Pid); err != nil {
		return err
	}
	return p.configure(sock)
}

// stop kills the child, removes the link and ends the watch. At the end
// of the test (final) a peer that is not running is no error.
func (p *Peer) stop(t testing.TB, final bool) {
	p.mu.Lock()
	cmd, conn, cancel, done := p.cmd, p.conn, p.cancel, p.done
	p.cmd, p.conn, p.client, p.cancel, p.done = nil, nil, nil, nil, nil
	p.mu.Unlock()
	if cmd == nil {
		if !final {
			t.Errorf("vipbgptest: Stop: the peer is not running")
		}
		return
	}
	if cancel != nil {
		cancel()
		<-done
	}
	if conn != nil {
		_ = conn.Close()
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if err := p.unplug(); err != nil {
		t.Errorf("vipbgptest: removing the peer's link: %v", err)
	}
	if final && t.Failed() {
		if b, err := os.ReadFile(filepath.Join(p.dir, "peer.log")); err == nil && len(b) > 0 {
			if len(b) > 8000 {
				b = b[len(b)-8000:]
			}
			t.Logf("the peer's log ends with:\n%s", b)
		}
	}
}

// configure dials the child's API, starts its speaker with the announcer
// as a passive neighbor, and starts watching its table.
func (p *Peer) configure(sock string) error {
	conn, err := grpc.NewClient("unix://"+sock, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	client := api.NewGobgpApiClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		_, err = client.GetBgp(ctx, &api.GetBgpRequest{}, grpc.WaitForReady(true))
		if err == nil || ctx.Err() != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		_ = conn.Close()
		return fmt.Errorf("the peer's API: %w", err)
	}
	if _, err := client.StartBgp(ctx, &api.StartBgpRequest{Global: &api.Global{
		Asn: p.cfg.ASN, RouterId: p.cfg.Address.String(), ListenPort: 179, ListenAddresses: []string{"0.0.0.0", "::"},
	}}); err != nil {
		_ = conn.Close()
		return fmt.Errorf("StartBgp: %w", err)
	}
	for _, local := range []netip.Addr{p.LocalAddress(), p.LocalAddress6()} {
		if _, err := client.AddPeer(ctx, &api.AddPeerRequest{Peer: p.neighbor(local)}); err != nil {
			_ = conn.Close()
			return fmt.Errorf("AddPeer: %w", err)
		}
	}
	wctx, wcancel := context.WithCancel(context.Background())
	stream, err := client.WatchEvent(wctx, &api.WatchEventRequest{Table: &api.WatchEventRequest_Table{
		Filters: []*api.WatchEventRequest_Table_Filter{
			{Type: api.WatchEventRequest_Table_Filter_BEST},
			{Type: api.WatchEventRequest_Table_Filter_EOR},
		}}})
	if err != nil {
		wcancel()
		_ = conn.Close()
		return fmt.Errorf("WatchEvent: %w", err)
	}
	done := make(chan struct{})
	p.mu.Lock()
	p.conn, p.client, p.cancel, p.done = conn, client, wcancel, done
	p.mu.Unlock()
	go p.watch(stream, done)
	return nil
}

// neighbor is the peer's configuration of the announcer at addr.
func (p *Peer) neighbor(addr netip.Addr) *api.Peer {
	gr := !p.cfg.NoGracefulRestart
	n := &api.Peer{
		Conf:      &api.PeerConf{NeighborAddress: addr.String(), PeerAsn: p.cfg.AnnouncerASN, AuthPassword: p.cfg.Password},
		Transport: &api.Transport{PassiveMode: true},
	}
	if gr {
		n.GracefulRestart = &api.GracefulRestart{Enabled: true, HelperOnly: true, RestartTime: uint32(p.cfg.RestartTime / time.Second)}
	}
	for _, f := range []*api.Family{
		{Afi: api.Family_AFI_IP, Safi: api.Family_SAFI_UNICAST},
		{Afi: api.Family_AFI_IP6, Safi: api.Family_SAFI_UNICAST},
	} {
		afi := &api.AfiSafi{Config: &api.AfiSafiConfig{Family: f, Enabled: true}}
		if gr {
			afi.MpGracefulRestart = &api.MpGracefulRestart{Config: &api.MpGracefulRestartConfig{Enabled: true}}
		}
		n.AfiSafis = append(n.AfiSafis, afi)
	}
	return n
}

package kernel_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/cni"
	"github.com/meshstate/meshstate/cni/kernel"
	"github.com/meshstate/meshstate/internal/nstest"
	"github.com/meshstate/meshstate/internal/testenv"
)

// settleBound is the liveness limit for the machine's view to catch up
// with the kernel after a burst (generous: -race on 2 cores); no tighter
// timing is asserted.
const settleBound = 30 * time.Second

// running is a Run in progress: its watcher, its effects (with the time
// each was reported) and its end.
type running struct {
	w       *kernel.Watcher
	effects chan stamped
	ended   chan error
	cancel  context.CancelFunc
}

type stamped struct {
	cni.Effect
	at time.Time
}

// start runs a watcher over ns. Effects go to a deep channel without
// blocking Run (one that is not read is dropped, so a test that only looks
// at Status never stalls the loop). cfg may carry a fault seam.
func start(t testing.TB, ns *nstest.Namespace, cfg kernel.Config) *running {
	t.Helper()
	r := &running{effects: make(chan stamped, 4096), ended: make(chan error, 1)}
	cfg.Handle, cfg.NS = ns.Handle, ns.NS
	if len(cfg.Machine.PodCIDRs) == 0 {
		cfg.Machine.PodCIDRs = podCIDRs
	}
	cfg.Report = func(e cni.Effect) {
		select {
		case r.effects <- stamped{e, time.Now()}:
		default:
		}
	}
	w, err := kernel.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.w = w
	var ctx context.Context
	ctx, r.cancel = context.WithCancel(context.Background())
	go func() { r.ended <- w.Run(ctx) }()
	return r
}

// alive fails the test if Run has returned.
func (r *running) alive(t testing.TB) {
	t.Helper()
	select {
	case err := <-r.ended:
		r.ended <- err
		t.Fatalf("Run returned %v while its context was live", err)
	default:
	}
}

// stop cancels Run and checks that it returns context.Canceled.
func (r *running) stop(t testing.TB) {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.ended:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	case <-time.After(bound):
		t.Fatal("Run did not return after cancel")
	}
}

// await waits, for at most limit, for an effect that ok accepts.
func (r *running) await(t testing.TB, limit time.Duration, what string, ok func(cni.Effect) bool) stamped {
	t.Helper()
	deadline := time.After(limit)
	for {
		select {
		case e := <-r.effects:
			if ok(e.Effect) {
				return e
			}
		case err := <-r.ended:
			r.ended <- err
			t.Fatalf("Run returned %v while waiting for %s", err, what)
		case <-deadline:
			t.Fatalf("no %s within %v; status %+v", what, limit, r.w.Status())
		}
	}
}

// converged waits until the watcher's view equals the kernel's listing
// and the watcher is synced, or fails after settleBound.
func (r *running) converged(t testing.TB, ns *nstest.Namespace) []cni.Link {
	t.Helper()
	deadline := time.Now().Add(settleBound)
	var diff string
	for time.Now().Before(deadline) {
		r.alive(t)
		want, err := kernelLinks(ns.Handle)
		if err == nil {
			got := normalize(r.w.Links())
			if diff = gocmp.Diff(want, got, cmpopts.EquateEmpty(), gocmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff == "" && r.w.Status().Synced {
				return got
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the watcher's view differs from the kernel after %v (-kernel +watcher):\n%.3000s\nstatus %+v", settleBound, diff, r.w.Status())
	return nil
}

// kernelLinks lists the namespace as the watcher should see it.
func kernelLinks(h *netlink.Handle) ([]cni.Link, error) {
	links, err := h.LinkList()
	if err != nil {
		return nil, err
	}
	addrs, err := h.AddrList(nil, netlink.FAMILY_ALL)
	if err != nil {
		return nil, err
	}
	out := make([]cni.Link, 0, len(links))
	by := map[int]int{}
	for _, l := range links {
		a := l.Attrs()
		by[a.Index] = len(out)
		out = append(out, cni.Link{Index: a.Index, Name: a.Name, Up: a.Flags&net.FlagUp != 0})
	}
	for _, a := range addrs {
		// As the watcher: tentative IPv6 addresses are not there yet.
		if i, ok := by[a.LinkIndex]; ok && (a.Flags&unix.IFA_F_TENTATIVE == 0 || a.Flags&unix.IFA_F_OPTIMISTIC != 0) {
			ones, _ := a.Mask.Size()
			ip, _ := netip.AddrFromSlice(a.IP)
			out[i].Addrs = append(out[i].Addrs, netip.PrefixFrom(ip.Unmap(), ones))
		}
	}
	return normalize(out), nil
}

func normalize(links []cni.Link) []cni.Link {
	for i := range links {
		links[i].Addrs = slices.Clone(links[i].Addrs)
		slices.SortFunc(links[i].Addrs, func(a, b netip.Prefix) int {
			return cmp.Or(a.Addr().Compare(b.Addr()), cmp.Compare(a.Bits(), b.Bits()))
		})
	}
	slices.SortFunc(links, func(a, b cni.Link) int { return cmp.Compare(a.Index, b.Index) })
	return links
}

// batch runs lines through one `ip -batch` inside ns (iproute2's batch
// mode: one process, one netlink socket, as a CNI agent at boot) and
// returns when ip has exited.
func batch(t testing.TB, ns *nstest.Namespace, lines []string) {
	t.Helper()
	for _, bin := range []string{"ip", "nsenter"} {
		if _, err := exec.LookPath(bin); err != nil {
			testenv.SkipUnlessCI(t, bin+" is not installed", "apt-get install iproute2 util-linux")
		}
	}
	file := filepath.Join(t.TempDir(), "batch")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	nsPath := fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), int(ns.NS))
	if out, err := exec.Command("nsenter", "--net="+nsPath, "ip", "-batch", file).CombinedOutput(); err != nil {
		t.Fatalf("ip -batch: %v: %.500s", err, out)
	}
}

package vipbgptest

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// plug joins the child's namespace (pid) to the test's with a veth pair:
// LocalAddress and LocalAddress6 on the test's end, Address and Address6
// on the child's (/24 and /64).
func (p *Peer) plug(pid int) error {
	la := netlink.NewLinkAttrs()
	la.Name = p.link
	peerName := p.link + "p"
	if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: la, PeerName: peerName}); err != nil {
		return fmt.Errorf("veth %s: %w", p.link, err)
	}
	local, err := netlink.LinkByName(p.link)
	if err != nil {
		return err
	}
	remote, err := netlink.LinkByName(peerName)
	if err != nil {
		return err
	}
	if err := netlink.LinkSetNsPid(remote, pid); err != nil {
		return fmt.Errorf("moving %s into the peer's namespace: %w", peerName, err)
	}
	if err := addrUp(netlink.Handle{}, local, p.LocalAddress(), p.LocalAddress6()); err != nil {
		return err
	}
	ns, err := netns.GetFromPid(pid)
	if err != nil {
		return fmt.Errorf("the peer's namespace: %w", err)
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		return err
	}
	defer h.Close()
	for _, name := range []string{"lo", peerName} {
		l, err := h.LinkByName(name)
		if err != nil {
			return fmt.Errorf("%s in the peer's namespace: %w", name, err)
		}
		if name == "lo" {
			if err := h.LinkSetUp(l); err != nil {
				return err
			}
			continue
		}
		if err := addrUp(*h, l, p.cfg.Address, p.Address6()); err != nil {
			return err
		}
	}
	return nil
}

// addrUp gives link addr/24 and addr6/64 (without duplicate address
// detection, so that it is usable at once) and brings it up, through h
// (the zero Handle works in the caller's namespace).
func addrUp(h netlink.Handle, link netlink.Link, addr, addr6 netip.Addr) error {
	for _, p := range []netip.Prefix{netip.PrefixFrom(addr, 24), netip.PrefixFrom(addr6, 64)} {
		a, err := netlink.ParseAddr(p.String())
		if err != nil {
			return err
		}
		if p.Addr().Is6() {
			a.Flags = unix.IFA_F_NODAD
		}
		if err := h.AddrAdd(link, a); err != nil {
			return fmt.Errorf("address %v on %s: %w", p, link.Attrs().Name, err)
		}
	}
	if err := h.LinkSetUp(link); err != nil {
		return fmt.Errorf("%s up: %w", link.Attrs().Name, err)
	}
	return nil
}

// unplug deletes the test's end of the link, and so the pair.
func (p *Peer) unplug() error {
	l, err := netlink.LinkByName(p.link)
	var notFound netlink.LinkNotFoundError
	if errors.As(err, &notFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return netlink.LinkDel(l)
}

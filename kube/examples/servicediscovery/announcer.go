package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"sync"
)

// printAnnouncer is the example's vipkube.Announcer: it prints each decision
// instead of announcing it.
type printAnnouncer struct {
	mu  sync.Mutex // one line at a time
	out io.Writer
}

func (p *printAnnouncer) Announce(_ context.Context, vip netip.Addr, services []string) error {
	return p.printf("announce %v [%s]\n", vip, strings.Join(services, " "))
}

func (p *printAnnouncer) Withdraw(_ context.Context, vip netip.Addr) error {
	return p.printf("withdraw %v\n", vip)
}

func (p *printAnnouncer) printf(format string, args ...any) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, err := fmt.Fprintf(p.out, format, args...)
	return err
}

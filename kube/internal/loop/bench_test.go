package loop_test

import (
	"context"
	"testing"
	"time"

	"github.com/meshstate/meshstate/kube/internal/informer"
	"github.com/meshstate/meshstate/kube/internal/loop"
)

// BenchmarkLoop measures the runtime's own overhead: b.N items pushed by
// one goroutine and handled by a no-op machine on the loop goroutine, one
// op per item. baseline moves the same items through a bare buffered
// channel to a goroutine that does nothing with them, the least any
// hand-off between goroutines costs; runtime reports steps/s and its
// time as a multiple of baseline's (x-baseline), both measured in the
// same run.
func BenchmarkLoop(b *testing.B) {
	obj := &struct{ name string }{"east"}
	b.Run("baseline", func(b *testing.B) {
		b.ReportAllocs()
		d := viaChannel(b.N, obj)
		b.ReportMetric(float64(b.N)/d.Seconds(), "steps/s")
	})
	b.Run("runtime", func(b *testing.B) {
		b.ReportAllocs()
		d := viaRunner(b, b.N, obj)
		b.StopTimer()
		base := viaChannel(b.N, obj)
		b.ReportMetric(float64(b.N)/d.Seconds(), "steps/s")
		b.ReportMetric(d.Seconds()/base.Seconds(), "x-baseline")
	})
}

// viaChannel hands n items to another goroutine through a channel.
func viaChannel(n int, obj any) time.Duration {
	ch := make(chan informer.Item, 1024)
	done := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		for range ch {
		}
	}()
	for range n {
		ch <- informer.Item{Source: "s", Op: informer.Upsert, Obj: obj, Key: "ns/east"}
	}
	close(ch)
	<-done
	return time.Since(start)
}

// viaRunner pushes n items onto a running Runner's queue and waits until
// its loop has handled them all.
func viaRunner(b *testing.B, n int, obj any) time.Duration {
	r, err := loop.New(loop.Config{})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	handled := 0
	done := make(chan struct{})
	ran := make(chan error, 1)
	go func() {
		ran <- r.Run(ctx, func(informer.Item) {
			if handled++; handled == n {
				close(done)
			}
		}, func(context.Context) {})
	}()
	b.ResetTimer()
	start := time.Now()
	q := r.Queue()
	for range n {
		q.Push(informer.Item{Source: "s", Op: informer.Upsert, Obj: obj, Key: "ns/east"})
	}
	<-done
	d := time.Since(start)
	cancel()
	if err := <-ran; err != nil {
		b.Fatal(err)
	}
	return d
}

package loop

import (
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// afterFunc runs f after d on clk and returns its timer. Every clock of
// k8s.io/utils (the real one and the fake) has AfterFunc; a clock.Clock
// without it gets a goroutine that waits on a timer. Either way exactly
// one of f and cancelled runs, unless Stop reports true: then neither.
func afterFunc(clk clock.Clock, d time.Duration, f, cancelled func()) clock.Timer {
	if c, ok := clk.(clock.WithDelayedExecution); ok {
		return c.AfterFunc(d, f)
	}
	w := &waitTimer{Timer: clk.NewTimer(d), stop: make(chan struct{})}
	go func() {
		select {
		case <-w.C():
			f()
		case <-w.stop:
			cancelled()
		}
	}()
	return w
}

// waitTimer is the timer of afterFunc's goroutine.
type waitTimer struct {
	clock.Timer
	once sync.Once
	stop chan struct{}
}

// Stop ends the goroutine, which then runs cancelled (or has run f): it
// reports false, so the caller leaves the accounting to the goroutine.
func (w *waitTimer) Stop() bool {
	w.Timer.Stop()
	w.once.Do(func() { close(w.stop) })
	return false
}

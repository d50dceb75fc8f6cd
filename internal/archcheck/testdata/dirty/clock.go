package dirty

import (
	"context"
	t "time"
)

// since refers to the clock without calling it: a reference is a use.
var since = t.Since // want "uses time.Since"

// Elapsed reads the clock through a renamed import.
func Elapsed(ctx context.Context) t.Duration {
	start := t.Now()                                  // want "uses time.Now: a machine reads no clock"
	ctx, cancel := context.WithTimeout(ctx, t.Second) // want "uses context.WithTimeout"
	defer cancel()
	<-ctx.Done()
	return since(start)
}

// Shadowed is clean: its parameter t hides the import, and t.After is
// the method of time.Time.
func Shadowed(t, u t.Time) bool {
	return t.After(u)
}

// Later reaches the import again once the shadowing scope has ended.
func Later() {
	{
		t := struct{ Now func() }{}
		_ = t.Now
	}
	t.Sleep(t.Millisecond) // want "uses time.Sleep"
}

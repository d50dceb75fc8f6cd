//go:build unix

package vip_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user and system) the process has used, on
// all its threads, the garbage collector's included. Unlike wall time it
// does not grow when other processes take the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

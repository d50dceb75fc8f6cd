package kernel

import (
	"errors"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/meshstate/meshstate/routes"
)

// refreshDevices reports the devices the desired remotes follow by name
// (Remote.Device) as the kernel holds them now, before a full dump: a
// re-creation whose notifications were lost (an overflowed subscription,
// or one before Run subscribed) is caught by the next resync. It costs a
// lookup per followed name, none if no remote names a device. The
// caller holds mu.
func (a *Adapter) refreshDevices(now time.Time) error {
	for _, name := range a.m.Devices() {
		l, err := a.h.LinkByName(name)
		var missing netlink.LinkNotFoundError
		switch {
		case errors.As(err, &missing):
			continue // not there (yet): its NEWLINK will say
		case err != nil:
			a.logf("routes: looking up device %s: %v", name, err)
			continue
		}
		if err := a.step(routes.LinkUpdate{Index: l.Attrs().Index, Name: name}, now); err != nil {
			return err
		}
	}
	return nil
}

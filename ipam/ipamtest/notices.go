package ipamtest

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/ipam"
)

// allocatedNotices are the Allocated transitions a user must see, each
// as exactly one notice of the same reason.
var allocatedNotices = map[string]metav1.ConditionStatus{
	ipam.ReasonAllocated:         metav1.ConditionTrue,
	ipam.ReasonAddressTaken:      metav1.ConditionTrue,
	ipam.ReasonAddressOutOfPool:  metav1.ConditionTrue,
	ipam.ReasonReallocated:       metav1.ConditionTrue,
	ipam.ReasonWantChangeRefused: metav1.ConditionTrue,
	ipam.ReasonPoolExhausted:     metav1.ConditionFalse,
}

// Notices checks the Notify effects of one step: each follows, at once,
// the SetCondition effect of the transition it tells of, for the same
// owner (so a step that changes no condition notifies nothing, and a
// transition notifies at most once); each carries a reason, an action
// and a message; and each Allocated transition a user must see
// (allocated, moved, exhausted, count change refused) is followed by its
// notice.
func Notices(effects []ipam.Effect) error {
	for i, e := range effects {
		if e.Kind == ipam.Notify {
			if i == 0 || effects[i-1].Kind != ipam.SetCondition || effects[i-1].Owner != e.Owner {
				return fmt.Errorf("notices: %v does not follow the condition change it tells of", e)
			}
			if n := e.Notice; n.Reason == "" || n.Action == "" || n.Message == "" {
				return fmt.Errorf("notices: %v lacks a reason, action or message: %+v", e, n)
			}
			continue
		}
		if e.Kind != ipam.SetCondition {
			continue
		}
		if e.Condition.Message == "" {
			return fmt.Errorf("notices: %v has no message", e)
		}
		c := e.Condition
		if c.Type != ipam.ConditionAllocated || allocatedNotices[c.Reason] != c.Status {
			continue
		}
		if i+1 == len(effects) || effects[i+1].Kind != ipam.Notify || effects[i+1].Notice.Reason != c.Reason {
			return fmt.Errorf("notices: %v is not followed by its notice", e)
		}
	}
	return nil
}

package ipamkube

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/lookup"
)

// The label that marks the internal Services the adapter owns. The
// adapter changes no Service without it, and its Service informer lists
// only Services with it.
const (
	LabelManagedBy = "app.kubernetes.io/managed-by"
	ManagedBy      = "meshstate-ipam"
)

// managedSelector selects the Services the adapter owns.
const managedSelector = LabelManagedBy + "=" + ManagedBy

// AnnotationAddresses is the annotation in which an internal Service
// carries its owner's addresses, comma-separated, whatever
// Config.ServiceAddresses says.
const AnnotationAddresses = "meshstate.io/global-ips"

// ServiceAddresses says where an internal Service carries its owner's
// addresses for the datapath (see the package doc's "Internal Services
// and externalIPs").
type ServiceAddresses uint8

const (
	// ExternalIPs: in spec.externalIPs, which kube-proxy (and the CNIs
	// that implement the field) route to the Service's endpoints, as
	// Submariner's globalnet does; and in AnnotationAddresses. The
	// default.
	ExternalIPs ServiceAddresses = iota
	// AnnotationOnly: in AnnotationAddresses only, spec.externalIPs left
	// empty (and emptied on a Service that has it), for clusters that
	// refuse the field (the DenyServiceExternalIPs admission plugin) or
	// no longer implement it, where the datapath programs the global IPs
	// from the annotation itself.
	AnnotationOnly
)

// String names the choice.
func (c ServiceAddresses) String() string {
	switch c {
	case ExternalIPs:
		return "ExternalIPs"
	case AnnotationOnly:
		return "AnnotationOnly"
	}
	return fmt.Sprintf("ServiceAddresses(%d)", uint8(c))
}

// internalService is the Service that carries o's addresses: a ClusterIP
// Service (a headless one would have its external IPs ignored) with the
// addresses in AnnotationAddresses and, unless c.carry says otherwise, as
// external IPs; labelled as the adapter's and controlled by the GlobalIP,
// so the garbage collector removes it with its owner.
func (c *clients) internalService(o ipam.Owner, addrs []netip.Addr) *corev1.Service {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{
			Name:            v1alpha1.InternalServiceName(o.Name),
			Namespace:       o.Namespace,
			Labels:          map[string]string{LabelManagedBy: ManagedBy},
			Annotations:     map[string]string{AnnotationAddresses: strings.Join(addressStrings(addrs), ",")},
			OwnerReferences: []metav1.OwnerReference{ownerRef(o)},
		},
		Spec: corev1.ServiceSpec{
			Type:  corev1.ServiceTypeClusterIP,
			Ports: slices.Clone(c.ports),
		},
	}
	if c.carry == ExternalIPs {
		svc.Spec.ExternalIPs = addressStrings(addrs)
	}
	return svc
}

// ownerRef makes the GlobalIP the Service's controller. BlockOwnerDeletion
// is left unset: setting it needs update rights on globalips/finalizers,
// which the adapter does not otherwise need.
func ownerRef(o ipam.Owner) metav1.OwnerReference {
	controller := true
	return metav1.OwnerReference{
		APIVersion: v1alpha1.SchemeGroupVersion.String(), Kind: "GlobalIP",
		Name: o.Name, UID: types.UID(o.UID), Controller: &controller,
	}
}

func managed(svc *corev1.Service) bool { return svc.Labels[LabelManagedBy] == ManagedBy }

// controlledBy reports whether svc is the Service of this incarnation of o.
func controlledBy(svc *corev1.Service, o ipam.Owner) bool {
	ref := metav1.GetControllerOfNoCopy(svc)
	return ref != nil && string(ref.UID) == o.UID && ref.Kind == "GlobalIP"
}

// judge classifies an existing Service as the dependency of o: Found if
// it is ours and controlled by o; NotFound if it is ours but left by
// another incarnation of o (o's own Service does not exist, and ensuring
// it takes this one over); Permanent if it is not ours at all, since the
// adapter never touches a foreign object and only an operator can free
// the name.
//
// A Found Service comes with the addresses it carries, for the machine to
// check against the owner's.
func (c *clients) judge(svc *corev1.Service, o ipam.Owner) (lookup.Class, []netip.Addr, error) {
	switch {
	case !managed(svc):
		return lookup.Permanent, nil, fmt.Errorf("%w: %s/%s", ErrForeignService, svc.Namespace, svc.Name)
	case controlledBy(svc, o):
		return lookup.Found, c.carried(svc), nil
	}
	return lookup.NotFound, nil, fmt.Errorf("service %s/%s belongs to another incarnation of GlobalIP %s", svc.Namespace, svc.Name, o)
}

// carried returns the addresses svc carries where the datapath reads
// them: its external IPs, or with AnnotationOnly its annotation. One that
// does not parse makes it carry none that the machine could accept, so it
// is reported as carrying nothing, and repaired.
func (c *clients) carried(svc *corev1.Service) []netip.Addr {
	list := svc.Spec.ExternalIPs
	if c.carry == AnnotationOnly {
		if len(list) > 0 {
			return nil // left from ExternalIPs: repaired, which empties them
		}
		if v := svc.Annotations[AnnotationAddresses]; v != "" {
			list = strings.Split(v, ",")
		}
	}
	out := make([]netip.Addr, 0, len(list))
	for _, s := range list {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return nil
		}
		out = append(out, a)
	}
	return out
}

// getService looks o's Service up on the API server.
func (c *clients) getService(ctx context.Context, o ipam.Owner) (lookup.Class, []netip.Addr, error) {
	svc, err := c.kube.CoreV1().Services(o.Namespace).Get(ctx, v1alpha1.InternalServiceName(o.Name), metav1.GetOptions{})
	if err != nil {
		return lookup.Classify(err), nil, err
	}
	return c.judge(svc, o)
}

// ensureService creates o's Service with addrs, or brings the one it owns
// up to date. It returns the outcome as the machine wants it reported.
func (c *clients) ensureService(ctx context.Context, o ipam.Owner, addrs []netip.Addr) (ipam.Outcome, lookup.Class, error) {
	svcs := c.kube.CoreV1().Services(o.Namespace)
	want := c.internalService(o, addrs)
	_, err := svcs.Create(ctx, want, metav1.CreateOptions{})
	if !apierrors.IsAlreadyExists(err) {
		return writeOutcome(err)
	}
	cur, err := svcs.Get(ctx, want.Name, metav1.GetOptions{})
	if err != nil {
		return writeOutcome(err)
	}
	if !managed(cur) {
		return ipam.Failed, lookup.Permanent, fmt.Errorf("%w: %s/%s", ErrForeignService, cur.Namespace, cur.Name)
	}
	if controlledBy(cur, o) && slices.Equal(cur.Spec.ExternalIPs, want.Spec.ExternalIPs) &&
		cur.Annotations[AnnotationAddresses] == want.Annotations[AnnotationAddresses] {
		return ipam.Done, lookup.Found, nil
	}
	upd := cur.DeepCopy()
	upd.Spec.ExternalIPs = want.Spec.ExternalIPs
	if upd.Annotations == nil {
		upd.Annotations = map[string]string{}
	}
	upd.Annotations[AnnotationAddresses] = want.Annotations[AnnotationAddresses]
	upd.OwnerReferences = append(slices.DeleteFunc(upd.OwnerReferences, func(r metav1.OwnerReference) bool {
		return r.Controller != nil && *r.Controller
	}), ownerRef(o))
	_, err = svcs.Update(ctx, upd, metav1.UpdateOptions{})
	return writeOutcome(err)
}

// writeOutcome reports a write's outcome as lookup.WriteOutcome judges
// it, with the error's class for the log. One thing is ipam's own: NotFound
// on a write means the object went away under it, so the view it was based
// on was stale, as with a conflict.
func writeOutcome(err error) (ipam.Outcome, lookup.Class, error) {
	o, _ := lookup.WriteOutcome(err)
	c := lookup.Classify(err)
	if o == ipam.Failed && c == lookup.NotFound {
		o = ipam.Conflict
	}
	return o, c, err
}

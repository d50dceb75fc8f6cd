package v1alpha1_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
)

func TestMain(m *testing.M) { os.Exit(kubetest.Main(m)) }

const countImmutable = "spec.count is immutable: recreate the GlobalIP to change the number of addresses"

// The API server refuses any edit of spec.count, with the CRD's message:
// setting it where it was absent (the edit that moved addresses on
// failover in issue 16), changing it and removing it. Other spec edits
// and status writes go through.
func TestCountImmutable(t *testing.T) {
	env := kubetest.Shared(t)
	ns := env.Namespace(t)
	ctx := context.Background()
	gips := dynamic.NewForConfigOrDie(env.Config).Resource(v1alpha1.GlobalIPResource).Namespace(ns)

	create := func(name string, count int) {
		t.Helper()
		u, err := v1alpha1.ToUnstructured(&v1alpha1.GlobalIP{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec:       v1alpha1.GlobalIPSpec{Count: count},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := gips.Create(ctx, u, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
	}
	patch := func(name, p string) error {
		_, err := gips.Patch(ctx, name, types.MergePatchType, []byte(p), metav1.PatchOptions{})
		return err
	}
	create("none", 0) // no count: one address
	create("two", 2)

	for _, c := range []struct{ name, patch string }{
		{"none", `{"spec":{"count":3}}`},
		{"none", `{"spec":{"count":1}}`},
		{"two", `{"spec":{"count":3}}`},
		{"two", `{"spec":{"count":null}}`},
		{"two", `{"spec":null}`},
	} {
		err := patch(c.name, c.patch)
		if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), countImmutable) {
			t.Errorf("patch %s with %s: %v, want Invalid with %q", c.name, c.patch, err, countImmutable)
			continue
		}
		if c.name == "none" && strings.Contains(c.patch, "3") {
			t.Logf("kubectl patch globalip none -p '%s': %v", c.patch, err)
		}
		var field string
		if status, ok := err.(apierrors.APIStatus); ok && status.Status().Details != nil {
			for _, cause := range status.Status().Details.Causes {
				field = cause.Field
			}
		}
		if field != "spec.count" {
			t.Errorf("patch %s with %s: the error names field %q, want spec.count", c.name, c.patch, field)
		}
	}
	for _, c := range []struct{ name, patch string }{
		{"none", `{"spec":{"internalService":true}}`},
		{"none", `{"spec":{"count":0}}`}, // absent and zero both mean one
		{"two", `{"spec":{"count":2,"internalService":true}}`},
		{"two", `{"metadata":{"labels":{"a":"b"}}}`},
	} {
		if err := patch(c.name, c.patch); err != nil {
			t.Errorf("patch %s with %s: %v, want it accepted", c.name, c.patch, err)
		}
	}
	setReady(t, gips, "two", "242.254.0.1", "242.254.0.2")
}

const clusterIDImmutable = "spec.clusterID is immutable: delete the endpoint and create one for the other cluster"

// The API server refuses a GatewayEndpoint whose clusterID is not a
// DNS-1123 label, and any edit of it, with the CRD's message; other spec
// edits go through.
func TestClusterIDImmutable(t *testing.T) {
	env := kubetest.Shared(t)
	ns := env.Namespace(t)
	ctx := context.Background()
	geps := dynamic.NewForConfigOrDie(env.Config).Resource(v1alpha1.GatewayEndpointResource).Namespace(ns)
	create := func(name, clusterID string) error {
		u, err := v1alpha1.ToUnstructured(&v1alpha1.GatewayEndpoint{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec:       v1alpha1.GatewayEndpointSpec{ClusterID: clusterID, HealthCheckIP: "10.1.0.1"},
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = geps.Create(ctx, u, metav1.CreateOptions{})
		return err
	}
	for _, bad := range []string{"", "East", "east_1", "-east", strings.Repeat("a", 64)} {
		if err := create("bad", bad); !apierrors.IsInvalid(err) {
			t.Errorf("create with clusterID %q: %v, want Invalid", bad, err)
		}
	}
	if err := create("gw", "east"); err != nil {
		t.Fatal(err)
	}
	patch := func(p string) error {
		_, err := geps.Patch(ctx, "gw", types.MergePatchType, []byte(p), metav1.PatchOptions{})
		return err
	}
	if err := patch(`{"spec":{"clusterID":"west"}}`); !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), clusterIDImmutable) {
		t.Errorf("moving the endpoint to another cluster: %v, want Invalid with %q", err, clusterIDImmutable)
	}
	if err := patch(`{"spec":{"healthCheckIP":"10.1.0.9","sequence":2}}`); err != nil {
		t.Errorf("editing the rest of the spec: %v, want it accepted", err)
	}
}

// setReady writes the status an allocator would: the addresses and a
// Ready condition.
func setReady(t *testing.T, gips dynamic.ResourceInterface, name string, addrs ...string) {
	t.Helper()
	ctx := context.Background()
	u, err := gips.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var g v1alpha1.GlobalIP
	if err := v1alpha1.FromUnstructured(u, &g); err != nil {
		t.Fatal(err)
	}
	g.Status = v1alpha1.GlobalIPStatus{Addresses: addrs, Conditions: []metav1.Condition{{
		Type: "Ready", Status: metav1.ConditionTrue, Reason: "Allocated", Message: "holds its addresses",
		ObservedGeneration: g.Generation, LastTransitionTime: metav1.Now(),
	}}}
	if u, err = v1alpha1.ToUnstructured(&g); err != nil {
		t.Fatal(err)
	}
	if _, err := gips.UpdateStatus(ctx, u, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("update status of %s: %v", name, err)
	}
}

// `kubectl get` shows the printer columns: the API server renders them in
// the Table it returns for a list, from the object's status.
func TestPrinterColumns(t *testing.T) {
	env := kubetest.Shared(t)
	ns := env.Namespace(t)
	ctx := context.Background()
	dyn := dynamic.NewForConfigOrDie(env.Config)
	gips := dyn.Resource(v1alpha1.GlobalIPResource).Namespace(ns)
	u, err := v1alpha1.ToUnstructured(&v1alpha1.GlobalIP{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec:       v1alpha1.GlobalIPSpec{Count: 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gips.Create(ctx, u, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	setReady(t, gips, "web", "242.254.0.1", "242.254.0.2")
	ge, err := v1alpha1.ToUnstructured(&v1alpha1.GatewayEndpoint{
		ObjectMeta: metav1.ObjectMeta{Name: "gw", Namespace: ns},
		Spec:       v1alpha1.GatewayEndpointSpec{ClusterID: "east", Backend: "wireguard", PublicIP: "203.0.113.7", HealthCheckIP: "10.1.0.1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dyn.Resource(v1alpha1.GatewayEndpointResource).Namespace(ns).Create(ctx, ge, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	cs := kubernetes.NewForConfigOrDie(env.Config)
	table := func(resource string) (cols []string, cells map[string]any) {
		t.Helper()
		raw, err := cs.Discovery().RESTClient().Get().
			AbsPath("/apis", v1alpha1.Group, v1alpha1.Version, "namespaces", ns, resource).
			SetHeader("Accept", "application/json;as=Table;g=meta.k8s.io;v=v1").
			DoRaw(ctx)
		if err != nil {
			t.Fatalf("list %s as a Table: %v", resource, err)
		}
		var tab metav1.Table
		if err := json.Unmarshal(raw, &tab); err != nil {
			t.Fatal(err)
		}
		if len(tab.Rows) != 1 {
			t.Fatalf("%s: %d rows, want 1", resource, len(tab.Rows))
		}
		cells = map[string]any{}
		for i, c := range tab.ColumnDefinitions {
			if c.Priority == 0 {
				cols = append(cols, c.Name)
			}
			cells[c.Name] = tab.Rows[0].Cells[i]
		}
		return cols, cells
	}

	cols, cells := table("globalips")
	if want := []string{"Name", "Ready", "Reason", "Addresses", "Age"}; !slices.Equal(cols, want) {
		t.Errorf("GlobalIP columns %v, want %v", cols, want)
	}
	for col, want := range map[string]string{"Ready": "True", "Reason": "Allocated", "Addresses": "242.254.0.1"} {
		if got, _ := cells[col].(string); !strings.Contains(got, want) {
			t.Errorf("GlobalIP column %s is %v, want %q in it", col, cells[col], want)
		}
	}
	if got, _ := cells["Count"].(float64); got != 2 {
		t.Errorf("GlobalIP wide column Count is %v, want 2", cells["Count"])
	}

	cols, cells = table("gatewayendpoints")
	if want := []string{"Name", "Cluster", "Backend", "PublicIP", "HealthCheckIP", "Age"}; !slices.Equal(cols, want) {
		t.Errorf("GatewayEndpoint columns %v, want %v", cols, want)
	}
	for col, want := range map[string]string{"Cluster": "east", "Backend": "wireguard", "PublicIP": "203.0.113.7", "HealthCheckIP": "10.1.0.1"} {
		if got, _ := cells[col].(string); got != want {
			t.Errorf("GatewayEndpoint column %s is %v, want %q", col, cells[col], want)
		}
	}
}

// The short names and the category are served by discovery, where kubectl
// looks them up, and no other resource of the control plane uses them.
func TestShortNames(t *testing.T) {
	env := kubetest.Shared(t)
	cs := kubernetes.NewForConfigOrDie(env.Config)
	want := map[string]string{"globalips": "gip", "gatewayendpoints": "gwep"}

	list, err := cs.Discovery().ServerResourcesForGroupVersion(v1alpha1.SchemeGroupVersion.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range list.APIResources {
		short, ours := want[r.Name]
		if !ours {
			continue
		}
		if !slices.Equal(r.ShortNames, []string{short}) {
			t.Errorf("%s: short names %v, want [%s]", r.Name, r.ShortNames, short)
		}
		if !slices.Equal(r.Categories, []string{"meshstate"}) {
			t.Errorf("%s: categories %v, want [meshstate]", r.Name, r.Categories)
		}
		delete(want, r.Name)
	}
	if len(want) > 0 {
		t.Errorf("not served: %v", want)
	}

	// kubectl resolves a short name to the first resource that has it: a
	// built-in (or MCS) resource with the same name or short name would
	// shadow ours.
	all, err := cs.Discovery().ServerPreferredResources()
	if err != nil {
		t.Fatal(err)
	}
	for _, gv := range all {
		for _, r := range gv.APIResources {
			if gv.GroupVersion == v1alpha1.SchemeGroupVersion.String() {
				continue
			}
			for _, name := range append([]string{r.Name, r.SingularName}, r.ShortNames...) {
				if name == "gip" || name == "gwep" {
					t.Errorf("%s %s also answers to %q", gv.GroupVersion, r.Name, name)
				}
			}
		}
	}
}

// `kubectl explain globalip.spec` shows text: the OpenAPI v3 document the
// API server publishes for the group, which kubectl explain reads,
// describes the kinds, their specs and their fields.
func TestExplain(t *testing.T) {
	env := kubetest.Shared(t)
	cs := kubernetes.NewForConfigOrDie(env.Config)
	path := "apis/" + v1alpha1.SchemeGroupVersion.String()

	type schema struct {
		Description string            `json:"description"`
		Properties  map[string]schema `json:"properties"`
	}
	var doc struct {
		Components struct {
			Schemas map[string]schema `json:"schemas"`
		} `json:"components"`
	}
	// The API server publishes a CRD's schema shortly after serving it.
	kubetest.WaitFor(t, 30*time.Second, "the OpenAPI v3 document of "+path, func() bool {
		paths, err := cs.Discovery().OpenAPIV3().Paths()
		if err != nil {
			t.Fatal(err)
		}
		gv, ok := paths[path]
		if !ok {
			return false
		}
		raw, err := gv.Schema("application/json")
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		_, gip := doc.Components.Schemas["io.meshstate.v1alpha1.GlobalIP"]
		_, ge := doc.Components.Schemas["io.meshstate.v1alpha1.GatewayEndpoint"]
		return gip && ge
	})

	for _, c := range []struct {
		kind  string
		field []string
		want  string // a phrase of the description
	}{
		{"GlobalIP", nil, "contiguous global IP addresses"},
		{"GlobalIP", []string{"spec"}, "asks the allocator for"},
		{"GlobalIP", []string{"spec", "count"}, "immutable"},
		{"GlobalIP", []string{"spec", "internalService"}, "Service"},
		{"GlobalIP", []string{"status", "conditions"}, "Ready"},
		{"GatewayEndpoint", []string{"spec"}, "publishes"},
		{"GatewayEndpoint", []string{"spec", "clusterID"}, "cluster"},
	} {
		s := doc.Components.Schemas["io.meshstate.v1alpha1."+c.kind]
		for _, f := range c.field {
			s = s.Properties[f]
		}
		what := strings.Join(append([]string{strings.ToLower(c.kind)}, c.field...), ".")
		if !strings.Contains(s.Description, c.want) {
			t.Errorf("kubectl explain %s: description %q, want one that mentions %q", what, s.Description, c.want)
		}
	}
}

package kubetest

import (
	"context"
	"fmt"
	"io/fs"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/meshstate/meshstate/kube/config"
)

// UserWithRole returns the client configuration of a new user bound, by a
// ClusterRoleBinding, only to the ClusterRole in config/rbac/<file>: the
// adapter tests run as the documented least-privilege role and nothing
// more.
func (e *Env) UserWithRole(t testing.TB, user, file string) *rest.Config {
	t.Helper()
	b, err := fs.ReadFile(config.RBAC(), file)
	if err != nil {
		t.Fatal(err)
	}
	var role rbacv1.ClusterRole
	if err := yaml.UnmarshalStrict(b, &role); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	cs, err := kubernetes.NewForConfig(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := cs.RbacV1().ClusterRoles().Create(ctx, &role, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("create ClusterRole %s: %v", role.Name, err)
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%s", role.Name, user)},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}},
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("bind %s to %s: %v", user, role.Name, err)
	}
	waitAuthorized(t, cs, user, role.Rules[0])
	cfg, err := e.AddUser(user)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// waitAuthorized waits until the authorizer's cache has the binding: the
// first verb of rule is allowed to user.
func waitAuthorized(t testing.TB, cs kubernetes.Interface, user string, rule rbacv1.PolicyRule) {
	t.Helper()
	review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		User: user,
		ResourceAttributes: &authorizationv1.ResourceAttributes{
			Group: rule.APIGroups[0], Resource: rule.Resources[0], Verb: rule.Verbs[0]},
	}}
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := cs.AuthorizationV1().SubjectAccessReviews().Create(context.Background(), review, metav1.CreateOptions{})
		if err == nil && r.Status.Allowed {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is not authorized for %v after 10s: %v", user, rule, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

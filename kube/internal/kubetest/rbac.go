package kubetest

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
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

// Role reads the ClusterRole in config/rbac/<file>, strictly: an unknown
// field fails t.
func Role(t testing.TB, file string) *rbacv1.ClusterRole {
	t.Helper()
	b, err := fs.ReadFile(config.RBAC(), file)
	if err != nil {
		t.Fatal(err)
	}
	var role rbacv1.ClusterRole
	if err := yaml.UnmarshalStrict(b, &role); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return &role
}

// UserWithRole returns the client configuration of a new user bound, by a
// ClusterRoleBinding, only to the ClusterRole in config/rbac/<file>: the
// adapter tests run as the documented least-privilege role and nothing
// more.
func (e *Env) UserWithRole(t testing.TB, user, file string) *rest.Config {
	t.Helper()
	return e.UserWithClusterRole(t, user, Role(t, file))
}

// UserWithClusterRole creates role (unless it exists), binds a new user to
// it and nothing else, waits until the authorizer allows every rule (the
// last verb of each rule's first resource), and returns the user's config.
func (e *Env) UserWithClusterRole(t testing.TB, user string, role *rbacv1.ClusterRole) *rest.Config {
	t.Helper()
	cs, err := kubernetes.NewForConfig(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := cs.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
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
	for _, rule := range role.Rules {
		waitAuthorized(t, cs, user, rule)
	}
	cfg, err := e.AddUser(user)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// waitAuthorized waits until the authorizer's cache has the binding: the
// last verb of rule's first resource (and subresource) is allowed to user.
func waitAuthorized(t testing.TB, cs kubernetes.Interface, user string, rule rbacv1.PolicyRule) {
	t.Helper()
	res, sub, _ := strings.Cut(rule.Resources[0], "/")
	review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		User: user,
		ResourceAttributes: &authorizationv1.ResourceAttributes{
			Group: rule.APIGroups[0], Resource: res, Subresource: sub, Verb: rule.Verbs[len(rule.Verbs)-1]},
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

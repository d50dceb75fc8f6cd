// Package routestest is the test kit of package routes: a fake kernel that
// applies operations, generators of remotes and sessions for
// pgregory.net/rapid, and the property that checks the machine's
// invariants over generated sessions.
package routestest

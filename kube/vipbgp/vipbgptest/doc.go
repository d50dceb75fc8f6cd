// Package vipbgptest is the test kit of vipbgp: a real upstream BGP
// router for tests (a second GoBGP speaker, a graceful-restart helper) in
// its own network namespace, joined to the test's by a veth pair and
// reached over real TCP, whose routing table and received updates a test
// can read.
//
// A test binary that uses it calls Main from its TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(vipbgptest.Main(m)) }
//
// As root, Main re-executes the test binary in a fresh network namespace
// (with only lo, brought up), so that nothing a test does, the announcer
// under test included, touches the host's network; each Peer is a child
// process of that binary in a namespace of its own, driven over GoBGP's
// gRPC API on a unix socket. As any other user, the tests that need root
// call RequireRoot and skip, with the command that runs them, or fail
// under CI=true.
package vipbgptest

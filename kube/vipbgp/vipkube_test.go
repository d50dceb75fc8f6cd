package vipbgp_test

import (
	"github.com/meshstate/meshstate/kube/vipbgp"
	"github.com/meshstate/meshstate/kube/vipkube"
)

// The Announcer is what the VIP adapter drives.
var (
	_ vipkube.Announcer = (*vipbgp.Announcer)(nil)
	_ vipkube.Committer = (*vipbgp.Announcer)(nil)
)

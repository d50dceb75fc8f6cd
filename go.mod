module github.com/meshstate/meshstate

go 1.26.0

require (
	github.com/cenkalti/backoff/v4 v4.3.0
	github.com/google/go-cmp v0.7.0
	go.uber.org/goleak v1.3.0
	k8s.io/apimachinery v0.36.3
	pgregory.net/rapid v1.3.0
)

require (
	github.com/go-logr/logr v1.4.3 // indirect
	k8s.io/klog/v2 v2.140.0 // indirect
	k8s.io/utils v0.0.0-20260626114624-be93311217bd // indirect
)

// Package prog is what the example programs (kube/examples/globalnet and
// servicediscovery, and kube/vipbgp/examples/bgpvip in the vipbgp module)
// share: the flags controller authors know
// (--kubeconfig, --metrics-bind-address, --metrics-secure,
// --health-probe-bind-address, --log-format, -v), the exit codes, one
// logging pipeline (klog routed into the program's logr, text or JSON, a
// timestamp on every line), client-go's request metrics, and the metrics
// and probe servers.
//
// Everything process-global (klog's logger, client-go's metrics hooks) is
// set here, from the programs' main packages only; the adapters register
// nothing globally.
package prog

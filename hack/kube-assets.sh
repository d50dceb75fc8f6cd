#!/usr/bin/env bash
# Builds the control plane the Kubernetes adapter tests run against
# (kube-apiserver and etcd), and the kubectl the "Run it" test of the README
# types, from the Go module proxy, into a cache directory outside the
# repository, and prints that directory on its last line. Nothing is
# downloaded but Go modules; binaries already built are kept, so a cache
# from before kubectl was added gets only kubectl built.
#
#   hack/kube-assets.sh            build what is missing, print the directory
#   hack/kube-assets.sh --dir      print the directory only
#
# MESHSTATE_KUBE_ASSETS overrides the directory. kube/internal/kubetest finds the
# same default: $XDG_CACHE_HOME (or ~/.cache)/meshstate/kube-assets/<versions>.
set -euo pipefail

K8S_VERSION=v1.36.3
ETCD_VERSION=v3.5.21
STAGING_VERSION=v0.${K8S_VERSION#v1.}   # staging modules are tagged v0.36.3 for v1.36.3

dir=${MESHSTATE_KUBE_ASSETS:-${XDG_CACHE_HOME:-$HOME/.cache}/meshstate/kube-assets/k8s-$K8S_VERSION-etcd-$ETCD_VERSION}
if [[ ${1:-} == --dir ]]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOWORK=off

# A throwaway module per binary keeps their dependency graphs apart from
# meshstate's and from each other's.
throwaway() {
	mkdir -p "$work/$1"
	cd "$work/$1"
	printf 'module meshstate.local/%s\n\ngo 1.26.0\n' "$1" >go.mod
}

if [[ ! -x $dir/etcd ]]; then
	echo "building etcd $ETCD_VERSION into $dir" >&2
	throwaway etcd
	go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2
	go build -trimpath -ldflags '-s -w' -o "$dir/etcd.tmp" go.etcd.io/etcd/server/v3
	mv "$dir/etcd.tmp" "$dir/etcd"
fi

# A throwaway module requiring k8s.io/kubernetes. It points every staging
# module at ./staging; replace directives of a dependency do not apply to
# us, so repeat them with the published versions.
kubernetes_module() {
	throwaway "$1"
	kmod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
	{
		printf 'require k8s.io/kubernetes %s\n\nreplace (\n' "$K8S_VERSION"
		awk -v v="$STAGING_VERSION" '$2 == "=>" && $3 ~ /^\.\/staging\// { printf "\t%s => %s %s\n", $1, $1, v }' "$kmod"
		printf ')\n'
	} >>go.mod
}

# The version the binaries report (kubectl version, /version).
minor=${K8S_VERSION#v1.}
minor=${minor%%.*}
ld='-s -w'
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	ld+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
done

if [[ ! -x $dir/kube-apiserver ]]; then
	echo "building kube-apiserver $K8S_VERSION into $dir (about 6 minutes on 2 cores)" >&2
	kubernetes_module apiserver
	go get "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" >&2
	go build -trimpath -ldflags "$ld" -o "$dir/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
	mv "$dir/kube-apiserver.tmp" "$dir/kube-apiserver"
fi

if [[ ! -x $dir/kubectl ]]; then
	echo "building kubectl $K8S_VERSION into $dir (about 3 minutes on 2 cores, less after kube-apiserver)" >&2
	kubernetes_module kubectl
	go get "k8s.io/kubernetes/cmd/kubectl@$K8S_VERSION" >&2
	go build -trimpath -ldflags "$ld" -o "$dir/kubectl.tmp" k8s.io/kubernetes/cmd/kubectl
	mv "$dir/kubectl.tmp" "$dir/kubectl"
fi

"$dir/etcd" --version >&2
"$dir/kube-apiserver" --version >&2
"$dir/kubectl" version --client >&2
echo "$dir"

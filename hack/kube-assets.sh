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

# build NAME PACKAGE VERSION MODULE LDFLAGS [NOTE] builds PACKAGE at VERSION
# into $dir/NAME, unless it is there, in the throwaway module MODULE sets up.
build() {
	local name=$1 pkg=$2 version=$3 module=$4 ldflags=$5 note=${6:-}
	[[ -x $dir/$name ]] && return 0
	echo "building $name $version into $dir$note" >&2
	"$module" "$name"
	go get "$pkg@$version" >&2
	go build -trimpath -ldflags "$ldflags" -o "$dir/$name.tmp" "$pkg"
	mv "$dir/$name.tmp" "$dir/$name"
}

build etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION" throwaway '-s -w'
build kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$K8S_VERSION" kubernetes_module "$ld" \
	" (about 6 minutes on 2 cores)"
build kubectl k8s.io/kubernetes/cmd/kubectl "$K8S_VERSION" kubernetes_module "$ld" \
	" (about 3 minutes on 2 cores, less after kube-apiserver)"

"$dir/etcd" --version >&2
"$dir/kube-apiserver" --version >&2
"$dir/kubectl" version --client >&2
echo "$dir"

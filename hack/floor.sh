#!/usr/bin/env bash
# floor.sh checks that a vendor fork can embed meshstate's machines without
# an upgrade it did not choose. It builds a throwaway consumer module that
# is pinned to the floor (the oldest Go and apimachinery the root module
# supports, below), imports every public package of the root module (the
# machines, their kits, lookup, retry and the kernel adapters), and runs
# `go mod tidy` with the floor's Go. It fails if tidy raises the go line or
# the version of any module the consumer already had, or if anything fails
# to build or vet with that Go. It then vets the root module itself,
# tests included, with the floor's Go.
#
# The floor's toolchain comes from the Go module proxy (GOTOOLCHAIN), as
# everything else here does: about 70 MB, once per machine.
set -euo pipefail

GO_FLOOR=${GO_FLOOR:-1.24.0}
APIMACHINERY_FLOOR=${APIMACHINERY_FLOOR:-v0.33.0}

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOWORK=off GOFLAGS=-mod=mod GOTOOLCHAIN="go$GO_FLOOR"

pkgs=$(cd "$root" && go list ./... | grep -Ev '/(internal|examples)(/|$)')

cd "$work"
printf 'module floor.local/consumer\n\ngo %s\n' "$GO_FLOOR" >go.mod
# The consumer's own code pins apimachinery, as a fork's controller does.
printf 'package consumer\n\nimport _ "k8s.io/apimachinery/pkg/types"\n' >pin.go
go get "k8s.io/apimachinery@$APIMACHINERY_FLOOR"
go mod tidy
go list -m -f '{{.Path}} {{.Version}}' all | sort >before.txt
before_go=$(go mod edit -json | sed -n 's/^[[:space:]]*"Go": "\(.*\)",*$/\1/p')

{
	printf 'package consumer\n\nimport (\n'
	for p in $pkgs; do printf '\t_ "%s"\n' "$p"; done
	printf ')\n'
} >imports.go
go mod edit -require=github.com/meshstate/meshstate@v0.0.0 -replace="github.com/meshstate/meshstate=$root"
go mod tidy

after_go=$(go mod edit -json | sed -n 's/^[[:space:]]*"Go": "\(.*\)",*$/\1/p')
status=0
if [[ $after_go != "$before_go" ]]; then
	echo "floor: go mod tidy raised the consumer's go line from $before_go to $after_go" >&2
	status=1
fi
if grep -q '^toolchain' go.mod; then
	echo "floor: go mod tidy added a toolchain line: $(grep '^toolchain' go.mod)" >&2
	status=1
fi
go list -m -f '{{.Path}} {{.Version}}' all | sort >after.txt
while read -r path version; do
	now=$(awk -v p="$path" '$1 == p { print $2 }' after.txt)
	if [[ -n $now && $now != "$version" ]]; then
		echo "floor: go mod tidy moved $path from $version to $now" >&2
		status=1
	fi
done <before.txt
go build ./...
go vet ./...
if [[ $status != 0 ]]; then
	exit "$status"
fi
n=$(wc -w <<<"$pkgs")
echo "floor: a consumer at go $GO_FLOOR and k8s.io/apimachinery $APIMACHINERY_FLOOR imports all $n public packages of the root module; nothing raised"

# The root module's own tests build with the floor's Go too.
cd "$root"
go vet ./...
echo "floor: the root module vets with go $GO_FLOOR"

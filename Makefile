# meshstate's checks. `make test` is the whole gate, the one CI runs
# (.ci/run); the other targets are conveniences for developers.
#
#   make test        gofmt, go vet, staticcheck, the embedding floor, then
#                    every test of both modules with -race
#   make floor       a consumer at the oldest Go and apimachinery embeds the
#                    machines with no version raised (hack/floor.sh)
#   make bench       benchmarks and their x-baseline table (BENCH=regexp
#                    PKG=./ipam/... to narrow, COUNT=5 for min–max)
#   make bench-compare  ipam.Pool beside the Kubernetes bitmap allocator
#   make fuzz        each fuzz target for FUZZTIME (default 30s)
#   make incidents   replay the five field incidents (examples/incidents)
#   make crds        regenerate kube/config/crd from kube/apis/v1alpha1
#                    (controller-gen, pinned by kube/tools.mod)
#   make kube-assets build kube-apiserver, kubectl and etcd for the adapter tests

# bash with pipefail, so that `go test | testreport` fails when go test
# fails, even if the reader of the pipe exits 0.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test
# The steps of `test` are listed in order and must run in that order (cheap
# checks first), even under make -j.
.NOTPARALLEL:
MAKEFLAGS += --no-builtin-rules --no-print-directory

GO ?= go
GOFMT = $(shell $(GO) env GOROOT)/bin/gofmt
# staticcheck 2026.2.2; checked to build and run with go1.26.
STATICCHECK_VERSION ?= v0.8.2
STATICCHECK = $(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
# Checks per rapid property; the issues require 1000. rapid reads it from the
# environment since v1.3.0 (older versions ignore it: see rapid-version).
RAPID_CHECKS ?= 1000
# Extended regexp of .go files gofmt must skip: intentionally malformed
# fixtures under testdata/, should any appear. None exist today.
GOFMT_EXCLUDE ?=
BENCH ?= .
PKG ?= ./...
FUZZTIME ?= 30s
COUNT ?= 1

# The repository holds three modules: the root one (machines, kits, lookup,
# retry, kernel adapters; no client-go), kube/ (the Kubernetes adapters,
# API types, CRDs and controllers) and kube/vipbgp (the BGP announcer, so
# that GoBGP's gRPC and protobuf stay out of the other two). Every step
# runs in each.
MODULES := . kube kube/vipbgp

.PHONY: test fmt-check vet staticcheck floor crds tools kube-assets rapid-version unit bench bench-compare fuzz incidents

test: fmt-check vet staticcheck floor tools kube-assets unit

# The control plane of the Kubernetes adapter tests, built from the Go module
# proxy by hack/kube-assets.sh into a cache outside the repository (about 6
# minutes the first time, nothing after). kube/internal/kubetest finds it there.
KUBE_ASSETS := $(shell bash hack/kube-assets.sh --dir)
export MESHSTATE_KUBE_ASSETS := $(KUBE_ASSETS)
kube-assets:
	@bash hack/kube-assets.sh >/dev/null

# Tracked and untracked (but not ignored) files, so a new file is checked
# before it is committed; files deleted from the work tree are skipped.
# Outside a git checkout (a source tarball) every .go file is checked.
fmt-check:
	@files=$$({ git ls-files -co --exclude-standard -- '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*'; } | \
		while read -r f; do if [ -e "$$f" ]; then echo "$$f"; fi; done); \
	if [ -n "$(GOFMT_EXCLUDE)" ]; then files=$$(grep -Ev '$(GOFMT_EXCLUDE)' <<<"$$files" || true); fi; \
	bad=$$(printf '%s\n' "$$files" | xargs -r -d '\n' $(GOFMT) -l); \
	if [ -n "$$bad" ]; then echo "gofmt: these files need gofmt -w:"; echo "$$bad"; exit 1; fi; \
	echo "gofmt: $$(grep -c . <<<"$$files" || true) files formatted"

vet:
	@for m in $(MODULES); do echo "go vet ($$m)"; (cd $$m && $(GO) vet ./...); done

# Kernel-adapter tests run in network namespaces and compare with iproute2;
# install it where it is missing and we may (root on Debian, as in CI).
tools:
	@command -v ip >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get install -y -qq iproute2 >/dev/null; \
		else echo "iproute2 (ip) is missing: the namespace tests will not run"; fi; }

staticcheck:
	@for m in $(MODULES); do echo "staticcheck ($$m)"; (cd $$m && $(STATICCHECK) ./...); done

# The CRDs are generated from the API types and their markers; a test in
# kube/apis/v1alpha1 (TestCRDsGenerated, part of `make test`) fails when
# the checked-in ones are out of step.
crds:
	@bash hack/crdgen.sh

# A vendor fork pinned to the oldest Go and apimachinery the root module
# supports imports every public package of it, and go mod tidy raises
# nothing. See hack/floor.sh.
floor:
	@bash hack/floor.sh 2>&1 | grep -v '^go: downloading'

# Fails if the module requires a rapid too old to read RAPID_CHECKS, which
# would silently run 100 checks per property instead of 1000.
rapid-version:
	@v=$$($(GO) list -m -f '{{.Version}}' pgregory.net/rapid 2>/dev/null || true); \
	if [ -n "$$v" ] && [ "$$(printf '%s\n' v1.3.0 "$$v" | sort -V | head -n1)" != v1.3.0 ]; then \
		echo "pgregory.net/rapid $$v ignores RAPID_CHECKS; require v1.3.0 or later"; exit 1; \
	fi

# Plain `go test` (no -fuzz) runs every fuzz target as an ordinary test over
# its seed corpus, the f.Add seeds and testdata/fuzz/FuzzXxx/*, so this step
# covers the seeds; `make fuzz` explores beyond them. The architecture test
# (architecture_test.go) runs here too. testreport turns the JSON stream
# into a short report and fails on any failed test or build, an empty
# stream, and, when CI=true, any skipped test.
# Both modules' JSON streams go to one report; a module whose go test
# fails still lets the other run, and the report fails on either.
unit: rapid-version
	{ rc=0; for m in $(MODULES); do (cd $$m && RAPID_CHECKS=$(RAPID_CHECKS) $(GO) test -race -count=1 -json ./...) || rc=1; done; exit $$rc; } | $(GO) run ./internal/testreport

# Every benchmark of both modules, then a table of the x-baseline ratios
# (a path's cost ÷ its baseline's, measured in the same run): the figures
# the performance targets are set in. COUNT=5 gives min–max over 5 runs;
# a PKG that names packages of one module only skips the other.
bench:
	@{ rc=0; for m in $(MODULES); do \
		(cd $$m && $(GO) list $(PKG) >/dev/null 2>&1) || continue; \
		(cd $$m && $(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count $(COUNT) $(PKG)) || rc=1; \
	done; exit $$rc; } | $(GO) run ./internal/benchtable

# The pool side by side with Kubernetes' bitmap allocator, in one process.
# A nested module, so that k8s.io/kubernetes stays out of meshstate's go.mod.
bench-compare:
	cd bench/ipamcompare && $(GO) test -run '^$$' -bench '$(BENCH)' -benchmem

# Fuzz targets are discovered with go test -list, whose output is each
# package's target names followed by its "ok <package>" line.
fuzz:
	@$(GO) test -list '^Fuzz' $(PKG) | \
	awk '/^Fuzz/ { names[n++] = $$1 } /^ok[ \t]/ { for (i = 0; i < n; i++) print $$2, names[i]; n = 0 }' | \
	{ found=0; while read -r pkg name; do found=1; \
		echo "== $$name ($$pkg) for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) "$$pkg" </dev/null; \
	done; if [ $$found = 0 ]; then echo "no fuzz targets in $(PKG)"; fi; }

incidents:
	$(GO) run ./examples/incidents

#!/usr/bin/env bash
# Builds the simulated cluster's binaries from Go modules (nothing downloaded but modules from the
# Go module proxy) and caches them OUTSIDE the clone, keyed by every pinned version and the Go
# version, so the slow build happens once per machine:
#   ${KUBEBLINK_CACHE:-$HOME/.cache/kubeblink}/bin-<key>/{kube-apiserver,...}  + .complete stamp
# The Go module and build caches live beside it (go/mod, go/build) so CI on the same machine
# reuses downloads and compiled packages even when the key changes.
#
# Usage: build.sh            build what is missing (a fast no-op when the cache is complete)
#        build.sh --print-dir print the bin directory for the current pins (no build)
#        build.sh --check     exit 0 if the cache is complete, 1 if not (no build)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

cache="${KUBEBLINK_CACHE:-$HOME/.cache/kubeblink}"
say() { printf '[sim build] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# --- Go toolchain -------------------------------------------------------------------------------
command -v go >/dev/null 2>&1 || die "Go $GO_MIN or newer is needed to build the simulated cluster (no 'go' on PATH). Install Go (https://go.dev/dl/ or your distribution) and retry."
# Stay on the machine's Go unless the caller chose a toolchain (docs/design.md allows GOTOOLCHAIN=go1.27.3).
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
go_version="$(go env GOVERSION)"            # e.g. go1.26.8
ver_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
ver_ge "${go_version#go}" "$GO_MIN" || die "Go $GO_MIN or newer is needed, found $go_version. Install a newer Go, or export GOTOOLCHAIN=go1.27.3 to let the go command fetch one from the module proxy."

# --- Pins must agree with the consumer modules ----------------------------------------------------
grep -q "k8s.io/kubernetes $K8S_VERSION" "$here/k8s/go.mod" || die "k8s/go.mod does not require k8s.io/kubernetes $K8S_VERSION (versions.env)"
if grep '=> k8s.io/' "$here/k8s/go.mod" | grep -vq " $K8S_STAGING_VERSION\$"; then
  die "k8s/go.mod replaces a staging module with a version other than $K8S_STAGING_VERSION"
fi
grep -q "go.etcd.io/etcd/server/v3 $ETCD_VERSION" "$here/etcd/go.mod" || die "etcd/go.mod does not require etcd server $ETCD_VERSION (versions.env)"

# --- Cache key ----------------------------------------------------------------------------------
key="$( { cat "$here/versions.env" "$here/k8s/go.mod" "$here/k8s/go.sum" "$here/etcd/go.mod" "$here/etcd/go.sum"
          echo "$go_version $(go env GOOS)/$(go env GOARCH)"; } | sha256sum | cut -c1-12)"
bin="$cache/bin-$key"
binaries=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok metrics-server)

case "${1:-}" in
  --print-dir) echo "$bin"; exit 0 ;;
  --check) [ -f "$bin/.complete" ]; exit $? ;;
  "") ;;
  *) die "unknown argument: $1 (use --print-dir or --check)" ;;
esac

if [ -f "$bin/.complete" ]; then
  say "cached: $bin"
  exit 0
fi

mkdir -p "$bin" "$cache/go"
# One build at a time per cache (a CI job and a developer's `sim up` may race).
exec 9>"$cache/build.lock"
if ! flock -n 9; then say "another build is running on this cache; waiting for it..."; flock 9; fi
if [ -f "$bin/.complete" ]; then say "cached: $bin"; exit 0; fi

export GOMODCACHE="${KUBEBLINK_GOMODCACHE:-$cache/go/mod}"
export GOCACHE="${KUBEBLINK_GOCACHE:-$cache/go/build}"
export CGO_ENABLED=0 GOWORK=off
# The consumer modules carry a complete go.sum, so builds are read-only; -buildvcs=false because
# the build runs inside the kubeblink clone, whose VCS state is not these binaries' version.
export GOFLAGS="-mod=readonly -buildvcs=false"

say "Building the simulated cluster's binaries with $go_version. This happens ONCE per machine and pin set"
say "(cached in $bin); a cold build takes 12-16 minutes on 2 cores (about 7 with the Go module cache filled) and up to 2 GB of RAM."
say "pins: kubernetes $K8S_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION, metrics-server $METRICS_SERVER_VERSION"

started=$SECONDS
# Prints a progress line every 100 packages that go build -v reports compiling.
progress() {
  local what="$1" n=0 d=0 line
  while IFS= read -r line; do
    case "$line" in
      "go: downloading "*) d=$((d + 1)); if [ $((d % 50)) -eq 1 ]; then say "  $what: downloading modules ($d so far)"; fi ;;
      "#"*|*" "*) printf '  %s\n' "$line" >&2 ;;   # diagnostics pass through (package paths have no spaces)
      *) n=$((n + 1)); if [ $((n % 100)) -eq 0 ]; then say "  $what: compiled $n packages ($((SECONDS - started))s)"; fi ;;
    esac
  done
}
# go build into a temporary dir, then move into place, so an interrupted build never leaves a
# truncated binary that looks complete.
# $out is "/" (one binary per package, named by go) or a file name for a single package.
build() {
  local what="$1" dir="$2" ldflags="$3" out="$4"; shift 4
  local tmp; tmp="$(mktemp -d "$bin/.tmp.XXXXXX")"
  say "building $what..."
  local t0=$SECONDS
  if ! ( cd "$dir" && go build -v -trimpath -ldflags "$ldflags" -o "$tmp/${out#/}" "$@" ) 2>&1 | progress "$what"; then
    rm -rf "$tmp"; die "building $what failed"
  fi
  mv -f "$tmp"/* "$bin/" && rmdir "$tmp"
  say "built $what in $((SECONDS - t0))s"
}
have() { local b; for b in "$@"; do [ -x "$bin/$b" ] || return 1; done; }

# Version variables so /version and `kubectl version` report the real release, as the official
# build (hack/lib/version.sh) sets them. The tag's commit is not on the module proxy: left empty.
k8s_minor="${K8S_VERSION#v1.}"; k8s_minor="${k8s_minor%%.*}"
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$k8s_minor"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$K8S_BUILD_DATE"
done

have kube-apiserver kube-controller-manager kube-scheduler kubectl ||
  build "kubernetes $K8S_VERSION" \
    "$here/k8s" "$k8s_ldflags" / \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl

# etcd's version is a constant in its api module; nothing to stamp.
have etcd || build "etcd $ETCD_VERSION" "$here/etcd" "-s -w" etcd go.etcd.io/etcd/server/v3

# kwok and metrics-server have no replace directives, so `go install pkg@version` builds them
# exactly as their own go.mod/go.sum pin them (no consumer module needed).
install_at() {
  local what="$1" pkg="$2" ldflags="$3" name="$4"
  local tmp; tmp="$(mktemp -d "$bin/.tmp.XXXXXX")"
  say "building $what..."
  local t0=$SECONDS
  if ! ( cd "$cache" && GOFLAGS=-buildvcs=false GOBIN="$tmp" go install -v -trimpath -ldflags "$ldflags" "$pkg" ) 2>&1 | progress "$what"; then
    rm -rf "$tmp"; die "building $what failed"
  fi
  mv -f "$tmp/$name" "$bin/$name" && rm -rf "$tmp"
  say "built $what in $((SECONDS - t0))s"
}
have kwok || install_at "kwok $KWOK_VERSION" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" \
  "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${K8S_VERSION#v}" kwok
have metrics-server || install_at "metrics-server $METRICS_SERVER_VERSION" \
  "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_VERSION" \
  "-s -w -X k8s.io/client-go/pkg/version.gitVersion=$METRICS_SERVER_VERSION" metrics-server

# KWOK's default stages and resource metrics of the same version, from its module (the sim adds
# its own selector terms).
if [ ! -f "$bin/kwok-stages/usage-from-annotation.yaml" ]; then
  kwok_dir="$(cd "$cache" && GOFLAGS= go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$kwok_dir/kustomize/stage" ] || die "cannot find kwok's module source for its stages"
  rm -rf "$bin/kwok-stages.tmp" && mkdir -p "$bin/kwok-stages.tmp"
  for f in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
           pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
    cp "$kwok_dir/kustomize/stage/$f.yaml" "$bin/kwok-stages.tmp/"
  done
  for f in resource/metrics-resource usage/usage-from-annotation; do
    cp "$kwok_dir/kustomize/metrics/$f.yaml" "$bin/kwok-stages.tmp/"
  done
  chmod -R u+w "$bin/kwok-stages.tmp" && mv "$bin/kwok-stages.tmp" "$bin/kwok-stages"
fi

have "${binaries[@]}" || die "some binaries are missing in $bin"
"$bin/kubectl" version --client >&2 || die "the built kubectl does not run"
{ echo "key=$key"; echo "go=$go_version"; cat "$here/versions.env" | grep -v '^#' | grep .; echo "built=$(date -u +%FT%TZ)"; } > "$bin/.complete"
say "done in $((SECONDS - started))s: $bin"

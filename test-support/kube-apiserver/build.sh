#!/usr/bin/env bash
# Builds a real etcd and kube-apiserver from the Go modules pinned in go.mod/go.sum, once per machine,
# and prints the directory that holds them. The tests (io.pveha.testing.kube.RealKubeApiServer) run
# `build.sh --where` to find that directory; .ci/run runs `build.sh` before the tests.
#
#   build.sh           build if not cached yet; print the directory
#   build.sh --where   print the directory; exit 1 if it is not built yet
#
# The cache key is the Kubernetes version plus a hash of go.mod, go.sum, tools.go and this script, so
# changing any of them builds again. Cold build on a 2-core machine: about 10-25 minutes and 3 GB of
# module and build cache (see README.md); afterwards nothing.
set -euo pipefail
cd "$(dirname "$0")"

k8s_version=$(sed -n 's#^[[:space:]]*k8s\.io/kubernetes v\([0-9.]*\)$#\1#p' go.mod | head -1)
etcd_version=$(sed -n 's#^[[:space:]]*go\.etcd\.io/etcd/server/v3 v\([0-9.]*\)$#\1#p' go.mod | head -1)
key=$(cat go.mod go.sum tools.go build.sh | sha256sum | cut -c1-12)
cache_root=${PVEHA_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pveha/kube-apiserver}
out="$cache_root/v$k8s_version-$key"

if [ -x "$out/kube-apiserver" ] && [ -x "$out/etcd" ]; then
  echo "$out"
  exit 0
fi
if [ "${1:-}" = "--where" ]; then
  echo "$out"
  exit 1
fi
command -v go >/dev/null || { echo "build.sh: Go is needed to build kube-apiserver (see README.md)" >&2; exit 2; }

# Kubernetes' own go.mod says go 1.26.0: the machine's Go builds it, no toolchain download.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly
tmp=$(mktemp -d "$cache_root.tmp.XXXXXX" 2>/dev/null || { mkdir -p "$cache_root" && mktemp -d "$cache_root.tmp.XXXXXX"; })
trap 'rm -rf "$tmp"' EXIT
started=$(date +%s)
echo "building kube-apiserver v$k8s_version and etcd v$etcd_version into $out (once per machine)" >&2
# The version the server reports (/version, kubectl version): without it, v0.0.0-master.
minor=$(echo "$k8s_version" | cut -d. -f2)
ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=v$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
go build -trimpath -ldflags "$ldflags" -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
go build -trimpath -o "$tmp/etcd" go.etcd.io/etcd/server/v3
mkdir -p "$cache_root"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "built in $(( $(date +%s) - started )) s" >&2
echo "$out"

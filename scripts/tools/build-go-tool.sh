#!/usr/bin/env bash
# Builds one Go test tool from the Go module proxy (no sources are vendored or committed) into $TOOLS_BIN
# (default /tmp/tools-bin). Usage: scripts/tools/build-go-tool.sh <registry|crane|actionlint|promtool>
# Niced, one core: the machine is shared. Set TOOLS_GO_FAST=1 (CI) to use every core and no nice.
set -euo pipefail
tool="${1:?usage: build-go-tool.sh <registry|crane|actionlint|promtool>}"
case "$tool" in
  registry) pkg="github.com/distribution/distribution/v3/cmd/registry@v3.1.2" ;;
  crane) pkg="github.com/google/go-containerregistry/cmd/crane@v0.22.1" ;;
  actionlint) pkg="github.com/rhysd/actionlint/cmd/actionlint@v1.7.12" ;;
  # Prometheus 3.x is tagged v0.3xx.y in Go modules; promtool checks and unit-tests the Velero alert rules.
  promtool) pkg="github.com/prometheus/prometheus/cmd/promtool@v0.316.0" ;;
  *) echo "unknown tool: $tool (allowed: registry, crane, actionlint, promtool)" >&2; exit 2 ;;
esac
bin="${TOOLS_BIN:-/tmp/tools-bin}"
mkdir -p "$bin"
if [ -x "$bin/$tool" ]; then echo "$tool: already built at $bin/$tool"; exit 0; fi
command -v go >/dev/null || { echo "$tool: go not found; cannot build" >&2; exit 3; }
start=$(date +%s)
if [ "${TOOLS_GO_FAST:-0}" = 1 ]; then
  GOPROXY=https://proxy.golang.org GOFLAGS=-buildvcs=false GOBIN="$bin" go install "$pkg"
else
  GOPROXY=https://proxy.golang.org GOFLAGS="-buildvcs=false -p=1" GOMAXPROCS=1 GOBIN="$bin" \
    nice -n 19 go install "$pkg"
fi
echo "$tool: built $pkg into $bin/$tool in $(( $(date +%s) - start ))s"

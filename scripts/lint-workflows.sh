#!/usr/bin/env sh
# Lints .github/workflows with actionlint (and shellcheck on `run:` scripts when shellcheck is installed).
# actionlint is test tooling built from the Go module proxy: scripts/tools/build-go-tool.sh actionlint.
# When it is not built, says so in one line and succeeds (the workflows are then not linted).
set -eu
cd "$(dirname "$0")/.."
bin="${ACTIONLINT:-}"
[ -n "$bin" ] || bin="$(command -v actionlint 2>/dev/null || true)"
[ -n "$bin" ] || { [ -x "${TOOLS_BIN:-/tmp/tools-bin}/actionlint" ] && bin="${TOOLS_BIN:-/tmp/tools-bin}/actionlint"; } || true
if [ -z "$bin" ]; then
  echo "actionlint: did not run (not built; scripts/tools/build-go-tool.sh actionlint builds it into /tmp/tools-bin)"
  exit 0
fi
"$bin" -no-color
echo "actionlint: .github/workflows clean ($("$bin" -version | head -n 1))"

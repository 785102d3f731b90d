#!/bin/sh
# Starts the pack as an analyzer plugin binary: `pulumi preview --policy-pack ./policy/analyzer.sh`.
# For engines whose Node.js language host cannot start plugins (no RunPlugin); otherwise use
# `--policy-pack ./policy`. The engine passes its address as the only argument.
d="$(cd "$(dirname "$0")" && pwd)"
cd "$d" || exit 1
exec node "$d/node_modules/@pulumi/pulumi/cmd/run-policy-pack" "$1" "$d"

//go:build tools

// Package tools pins the Kyverno CLI command package so `go mod tidy` keeps its dependencies.
package tools

import _ "github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno"

// Wrapper module for building the Kyverno CLI (test tooling only; see scripts/tools/build-kyverno.sh).
// Kyverno's own go.mod carries a replace directive that does not apply when it is a dependency,
// so this module repeats it.
module registry-platform/tools/kyverno

go 1.25

require github.com/kyverno/kyverno v1.19.1

replace k8s.io/pod-security-admission => github.com/kyverno/pod-security-admission v0.0.0-20251031094455-46f20778634f

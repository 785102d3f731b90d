/**
 * Image policy (SPEC R7): the shared image-reference matcher, the Kyverno ClusterPolicies, the `ImagePolicy`
 * component (Kyverno + policies) and the CI tag rules.
 */
export * from "./image-ref";
export * from "./cluster-policies";
export * from "./values";
export * from "./tags";
export * from "./image-policy";

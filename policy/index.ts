/**
 * The registry-platform CrossGuard pack: `pulumi preview --policy-pack ./policy [--policy-pack-config <json>]`.
 * Enforcement levels are configurable per policy in the pack config, e.g. `{"no-latest-images": "advisory"}`.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("registry-platform", { policies });

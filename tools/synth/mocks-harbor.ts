/**
 * Mock outputs of the Harbor dynamic resources (components/harbor-config), keyed by their `kind` input: the
 * ids, robot login names and secrets a real Harbor would return, derived deterministically from the
 * resource name. Loaded by ./mocks.ts.
 */
import { fakeHex, fakeString, registerDynamicOutputs } from "./mocks";

type State = Record<string, unknown>;

/** A small positive integer id, stable per seed. */
function fakeId(seed: string): number {
  return (parseInt(fakeHex(seed, 6), 16) % 9000) + 1;
}

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

registerDynamicOutputs("harbor:Project", (name) => ({
  projectId: fakeId(`project::${name}`),
  adopted: false,
}));

registerDynamicOutputs("harbor:RobotAccount", (name, inputs: State) => ({
  robotId: fakeId(`robot::${name}`),
  fullName: `robot$${String(inputs.project)}+${String(inputs.name)}`,
  secret: fakeString(`robot-secret::${name}::${String(inputs.rotation)}`, 32, ALNUM),
  adopted: false,
}));

registerDynamicOutputs("harbor:ImmutableTagRule", (name) => ({
  ruleId: fakeId(`immutable::${name}`),
  adopted: false,
}));

registerDynamicOutputs("harbor:RetentionPolicy", (name) => ({
  retentionId: fakeId(`retention::${name}`),
  projectId: fakeId(`retention-project::${name}`),
  adopted: false,
}));

registerDynamicOutputs("harbor:Registry", (name) => ({
  registryId: fakeId(`registry::${name}`),
  adopted: false,
}));

registerDynamicOutputs("harbor:GcSchedule", () => ({ adopted: false }));

registerDynamicOutputs("harbor:PurgeAuditSchedule", (_name, inputs: State) => ({
  purgedEventTypes:
    Array.isArray(inputs.eventTypes) && inputs.eventTypes.length > 0
      ? inputs.eventTypes
      : ["create_artifact", "delete_artifact", "pull_artifact"],
  adopted: false,
}));

registerDynamicOutputs("harbor:AuditLogForwarding", () => ({ adopted: false }));

registerDynamicOutputs("harbor:SystemRobotAccount", (name, inputs: State) => ({
  robotId: fakeId(`system-robot::${name}`),
  fullName: `robot$${String(inputs.name)}`,
  secret: fakeString(`system-robot-secret::${name}::${String(inputs.rotation)}`, 32, ALNUM),
  adopted: false,
}));

registerDynamicOutputs("harbor:ReplicationPolicy", (name) => ({
  policyId: fakeId(`replication-policy::${name}`),
  adopted: false,
}));

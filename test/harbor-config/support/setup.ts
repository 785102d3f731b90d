/** Shared setup of the harbor-config tests: a started fake Harbor per test and connections to it. */
import { ClientHooks, HarborClient, HarborConnection } from "../../../components/harbor-config/client";
import {
  ImmutableRuleInputs,
  ProjectInputs,
  RetentionInputs,
  RobotInputs,
} from "../../../components/harbor-config/crud";
import { PULL_ROBOT_ACCESS, RELEASE_TAG_PATTERN } from "../../../components/harbor-config/payloads";
import { FakeHarbor } from "./fake-harbor";
import { testPki } from "./tls";

/** Short timeouts and backoff so fault tests run in milliseconds. */
export const FAST = {
  requestTimeoutMs: 400,
  totalTimeoutMs: 8000,
  maxAttempts: 6,
  baseDelayMs: 5,
  maxDelayMs: 50,
};

export async function startFake(): Promise<FakeHarbor> {
  const pki = testPki();
  return new FakeHarbor({ key: pki.serverKeyPem, cert: pki.serverCertPem }).start();
}

export function connOf(fake: FakeHarbor, overrides: Partial<HarborConnection> = {}): HarborConnection {
  return {
    url: fake.url,
    username: fake.username,
    password: fake.password,
    caPem: testPki().caPem,
    ...FAST,
    ...overrides,
  };
}

export function clientOf(
  fake: FakeHarbor,
  overrides: Partial<HarborConnection> = {},
  hooks?: ClientHooks,
): HarborClient {
  return new HarborClient(connOf(fake, overrides), hooks);
}

/** Runs `fn` and returns what it threw (fails when it does not throw). */
export async function rejection(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

/** Inputs of a private `platform` project (unlimited quota) on the fake, with overrides. */
export function projectInputs(fake: FakeHarbor, over: Partial<ProjectInputs> = {}): ProjectInputs {
  return {
    kind: "harbor:Project",
    connection: connOf(fake),
    name: "platform",
    public: false,
    scanOnPush: true,
    preventVulnerable: true,
    severity: "high",
    cosign: false,
    quotaGiB: -1,
    ...over,
  };
}

/** Inputs of the `platform` project's pull robot on the fake, with overrides. */
export function robotInputs(fake: FakeHarbor, over: Partial<RobotInputs> = {}): RobotInputs {
  return {
    kind: "harbor:RobotAccount",
    connection: connOf(fake),
    project: "platform",
    name: "cluster-pull",
    description: "",
    access: PULL_ROBOT_ACCESS.map((a) => ({ ...a })),
    duration: -1,
    rotation: "1",
    ...over,
  };
}

/** Inputs of the semver immutable tag rule of the `platform` project on the fake, with overrides. */
export function immutableRuleInputs(
  fake: FakeHarbor,
  over: Partial<ImmutableRuleInputs> = {},
): ImmutableRuleInputs {
  return {
    kind: "harbor:ImmutableTagRule",
    connection: connOf(fake),
    project: "platform",
    tagPattern: RELEASE_TAG_PATTERN,
    repoPattern: "**",
    disabled: false,
    ...over,
  };
}

/** Inputs of the `platform` project's retention policy (the seed's) on the fake, with overrides. */
export function retentionInputs(fake: FakeHarbor, over: Partial<RetentionInputs> = {}): RetentionInputs {
  return {
    kind: "harbor:RetentionPolicy",
    connection: connOf(fake),
    project: "platform",
    keepLatestReleases: 10,
    buildTagDays: 14,
    schedule: "0 0 2 * * *",
    foreverTags: ["stable", "lts"],
    ...over,
  };
}

/**
 * Peers of the replication program tests: a second replica derived from prod-apne1's outputs, a primary
 * config listing both, and the primary's stack config as a failing run needs it.
 */
import type { PeerStackOutputs } from "../../../tools/synth/engine";
import type { StackConfig } from "../../../tools/synth/stackfile";
import { stackWith } from "../../harness";
import { withSecret } from "../../harness/config";

export const APNE1 = "organization/registry-platform/prod-apne1";
export const APNE3 = "organization/registry-platform/prod-apne3";

/** Another replica, derived from prod-apne1's outputs: its own URL, CA, robot, bucket and key. */
export function apne3From(apne1: PeerStackOutputs): PeerStackOutputs {
  const t = apne1.outputs.replicationTarget as Record<string, any>;
  return {
    outputs: {
      ...apne1.outputs,
      region: "ap-northeast-3",
      replicationTarget: {
        ...t,
        registryUrl: "https://registry.apne3.example.com",
        caBundlePem: "-----BEGIN CERTIFICATE-----\nQVBORTMgQ0E=\n-----END CERTIFICATE-----\n",
        robotName: "robot$replication-apne3",
        backupBucket: {
          ...t.backupBucket,
          bucket: "registry-platform-prod-apne3-backup",
          bucketArn: "arn:aws:s3:::registry-platform-prod-apne3-backup",
          region: "ap-northeast-3",
          kmsKeyArn: "arn:aws:kms:ap-northeast-3:123456789012:key/apne3",
        },
      },
      replicationRobotSecret: "apne3-robot-secret",
    },
    secretOutputNames: apne1.secretOutputNames,
  };
}

export const twoPeers = {
  replication: {
    peers: [
      { stack: APNE1, trigger: { eventBased: true } },
      { stack: APNE3, projects: ["platform"], backupReplication: { replicationTime: true } },
    ],
  },
};

/**
 * prod-apne2's config with `changes`, its database password set as a real engine hands the config over: a failing
 * run gets no offline stand-ins.
 */
export function primaryConfig(changes: Record<string, unknown>): StackConfig {
  return withSecret(stackWith("prod-apne2", changes), "harborDatabasePassword", "db-password");
}

/**
 * Every component refuses bad arguments before it registers anything, itself included: a program that passes
 * bad arguments leaves no half-made component in the state of a `pulumi up` (the way RegistryStorage and
 * RegistryAccess already did).
 */
import * as assert from "assert";
import {
  CertManagerCertificate,
  Harbor,
  HarborArgs,
  HarborConfig,
  NodeTrust,
  NodeTrustArgs,
  RegistryTls,
} from "../../components";
import { BackupReplication, BackupReplicationArgs } from "../../components/replication/backup-replication";
import { ReplicationTarget, ReplicationTargetArgs } from "../../components/replication/target";
import { runComponent } from "../harness";

interface Case {
  component: string;
  build: () => unknown;
  message: RegExp;
}

const cases: Case[] = [
  {
    component: "RegistryTls",
    build: () =>
      new RegistryTls("t", {
        host: "Not A Host",
        source: { mode: "self-signed-ca" },
      }),
    message: /^RegistryTls t: invalid arguments:/,
  },
  {
    component: "Harbor",
    build: () => new Harbor("h", { host: "registry.example.com", replicas: 0 } as HarborArgs),
    message: /replicas: found 0; allowed: a whole number from 1 to 20/,
  },
  {
    component: "HarborConfig",
    build: () =>
      new HarborConfig("c", {
        url: "https://registry.example.com",
        adminPassword: "p",
        projects: [{ name: "a" }, { name: "a" }],
      }),
    message: /project name "a" is used twice/,
  },
  {
    component: "CertManagerCertificate",
    build: () =>
      new CertManagerCertificate("m", {
        namespace: "harbor",
        secretName: "-bad-",
        dnsNames: [],
        issuer: { name: "ca", kind: "ClusterIssuer" },
      }),
    message: /^CertManagerCertificate m: invalid arguments:\n {2}secretName: found "-bad-"/,
  },
  {
    component: "NodeTrust",
    build: () => new NodeTrust("n", { namespace: "Bad_NS" } as NodeTrustArgs),
    message: /^NodeTrust: namespace "Bad_NS" is not a Kubernetes name$/,
  },
  {
    component: "BackupReplication",
    build: () => new BackupReplication("b", { destinations: [] } as unknown as BackupReplicationArgs),
    message: /^BackupReplication b: no destination$/,
  },
  {
    component: "ReplicationTarget",
    build: () => new ReplicationTarget("r", { robot: { projects: [] } } as unknown as ReplicationTargetArgs),
    message: /^ReplicationTarget r: no project$/,
  },
];

describe("components refuse bad arguments before registering anything", () => {
  for (const c of cases) {
    it(c.component, async () => {
      const rec = await runComponent(() => {
        try {
          c.build();
          return { error: "" };
        } catch (e) {
          return { error: (e as Error).message };
        }
      });
      assert.match(String(rec.outputs.error), c.message);
      assert.deepStrictEqual(
        rec.all.map((r) => `${r.type} ${r.name}`),
        [],
        "nothing may be registered, not even the component",
      );
    });
  }
});

/**
 * End-to-end suite (reads ../shared): every replication payload we send to Harbor validates against the
 * definitions of Harbor's API swagger v2.15.1 — `ReplicationPolicy` (with `ReplicationTrigger`,
 * `ReplicationFilter`, `Registry`), `Registry` and `RegistryUpdate` of the peer endpoint, `RobotCreate` and
 * `Robot` of the replica's system-level robot — with unknown properties refused, so a misspelled field fails.
 *
 * The swagger is read from `$E2E_SHARED_DIR/reference/harbor-api-2.15.1/swagger.yaml` (default: the first
 * `shared/` found in a parent directory of the repository). A missing file fails the run with its path.
 */
import * as assert from "assert";
import Ajv, { ValidateFunction } from "ajv";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { registryCreateBody, registryUpdateBody } from "../../components/harbor-config/payloads";
import { replicationPolicyBody } from "../../components/replication/harbor/payloads";
import {
  systemRobotCreateBody,
  systemRobotUpdateBody,
} from "../../components/replication/harbor/system-robot";
import { replicationPlan } from "../../components/replication/plan";
import { replicationRobotPermissions } from "../../components/replication/target";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const SWAGGER_REL = path.join("reference", "harbor-api-2.15.1", "swagger.yaml");

function swaggerPath(): string {
  const tried: string[] = [];
  const candidates = process.env.E2E_SHARED_DIR
    ? [process.env.E2E_SHARED_DIR]
    : [1, 2, 3, 4].map((n) => path.resolve(ROOT, ...Array<string>(n).fill(".."), "shared"));
  for (const dir of candidates) {
    const f = path.join(dir, SWAGGER_REL);
    tried.push(f);
    if (fs.existsSync(f)) return f;
  }
  throw new Error(`Harbor swagger not found; looked at: ${tried.join(", ")} (set E2E_SHARED_DIR)`);
}

/**
 * Swagger 2 definitions → JSON Schema: `x-*`, `format`, `example`, `readOnly`, `description` dropped,
 * `x-nullable`/`x-isnullable` fields admit null, and every object with properties refuses unknown ones.
 */
function toSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toSchema);
  if (node === null || typeof node !== "object") return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    if (k.startsWith("x-") || ["format", "example", "readOnly", "description", "title"].includes(k)) continue;
    out[k] = k === "properties" ? mapValues(v as Record<string, unknown>, toSchema) : toSchema(v);
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  const nullable = src["x-nullable"] === true || src["x-isnullable"] === true;
  if (nullable && typeof out.type === "string") out.type = [out.type, "null"];
  if (nullable && out.$ref) return { anyOf: [{ $ref: out.$ref }, { type: "null" }] };
  return out;
}

function mapValues(o: Record<string, unknown>, f: (v: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

describe("e2e: replication payloads against Harbor's swagger 2.15.1", () => {
  let validators: Record<string, ValidateFunction>;
  before(() => {
    const doc = parse(fs.readFileSync(swaggerPath(), "utf8")) as { definitions: Record<string, unknown> };
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema({ $id: "harbor", definitions: mapValues(doc.definitions, toSchema) });
    const get = (d: string) => {
      assert.ok(doc.definitions[d], `the swagger has no definition ${d}`);
      return ajv.getSchema(`harbor#/definitions/${d}`)!;
    };
    validators = Object.fromEntries(
      ["ReplicationPolicy", "Registry", "RegistryUpdate", "RobotCreate", "Robot"].map((d) => [d, get(d)]),
    );
  });

  const problems = (def: string, body: unknown): string[] => {
    const v = validators[def];
    return v(body) ? [] : (v.errors ?? []).map((e) => `${def}${e.instancePath} ${e.message ?? "invalid"}`);
  };

  const [peer] = replicationPlan(
    [
      {
        stack: "organization/registry-platform/prod-apne1",
        repositories: "**",
        tags: "v*",
        deletion: true,
        trigger: { eventBased: true, reconcileSchedule: "0 30 4 * * *" },
        speed: 1024,
        override: true,
        copyByChunk: true,
        enabled: true,
        backupReplication: { replicationTime: false },
      },
    ],
    ["platform", "apps"],
    true,
  );

  it("each push policy (event-based, scheduled reconcile) is a valid ReplicationPolicy", () => {
    assert.strictEqual(peer.policies.length, 2);
    for (const p of peer.policies) {
      const body = replicationPolicyBody({ ...p, destRegistryId: 7 });
      assert.deepStrictEqual(problems("ReplicationPolicy", body), [], JSON.stringify(body));
    }
  });

  it("a misspelled field fails (the check is strict)", () => {
    const body = {
      ...replicationPolicyBody({ ...peer.policies[0], destRegistryId: 7 }),
      copy_by_chunks: true,
    };
    assert.deepStrictEqual(problems("ReplicationPolicy", body), [
      "ReplicationPolicy must NOT have additional properties",
    ]);
  });

  it("the peer endpoint is a valid Registry (create) and RegistryUpdate (update)", () => {
    const settings = {
      name: peer.endpointName,
      type: "harbor",
      url: "https://registry.apne1.example.com",
      description: "Replication peer organization/registry-platform/prod-apne1",
      insecure: false,
      caCertificate: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
      accessKey: "robot$replication",
      accessSecret: "s3cr3t",
    };
    assert.deepStrictEqual(problems("Registry", registryCreateBody(settings)), []);
    assert.deepStrictEqual(problems("RegistryUpdate", registryUpdateBody(settings)), []);
  });

  it("the replica's system-level robot is a valid RobotCreate and Robot (update)", () => {
    const s = {
      name: "replication",
      description: "Replication robot",
      duration: -1,
      permissions: replicationRobotPermissions(["platform", "apps"], true),
    };
    assert.deepStrictEqual(problems("RobotCreate", systemRobotCreateBody(s)), []);
    assert.deepStrictEqual(problems("Robot", systemRobotUpdateBody("robot$replication", s)), []);
  });
});

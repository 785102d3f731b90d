/**
 * The connection of the Harbor resources: one secret Output per connection object (`secretConnection`), and
 * the `HarborResource` base making `connection` (and a class's `secretOutputs`) secret for every kind, the
 * replication kinds included.
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { HarborConnection } from "../../components/harbor-config/client";
import { secretConnection } from "../../components/harbor-config/connection";
import { HarborResource, Project, Registry, RobotAccount } from "../../components/harbor-config/dynamic";
import { ReplicationPolicy, SystemRobotAccount } from "../../components/replication/harbor/resources";
import { runComponent } from "../harness";

const PASSWORD = "Conn-Test-Pa55word";
const CONN: HarborConnection = { url: "https://harbor.test", username: "admin", password: PASSWORD };

describe("harbor-config connection", () => {
  it("secretConnection: one secret Output per connection object, whatever the number of callers", async () => {
    await runComponent(() => {
      const a = pulumi.output(CONN);
      const first = secretConnection(a);
      assert.strictEqual(secretConnection(a), first, "the same object gives the same Output");
      const b = pulumi.output({ ...CONN });
      assert.notStrictEqual(secretConnection(b), first, "another object gets its own Output");
      const plain = { ...CONN };
      assert.strictEqual(secretConnection(plain), secretConnection(plain), "a plain object too");
      return { first };
    }).then((r) => {
      assert.deepStrictEqual(r.outputs.first, CONN);
      assert.deepStrictEqual(r.outputSecrets(), ["first"], "the stack output made from it is a secret");
    });
  });

  it("every kind registers the connection as a secret input, lists it (and its own secret outputs) as secret outputs", async () => {
    const r = await runComponent(() => {
      const connection = pulumi.output(CONN); // not marked secret by the caller
      const project = new Project("p", { connection, name: "apps" });
      new RobotAccount("r", { connection, project: project.name, name: "pull", access: [] });
      new Registry("reg", { connection, name: "hub", type: "docker-hub", url: "https://hub.docker.com" });
      new SystemRobotAccount("sys", { connection, name: "repl", permissions: [] });
      new ReplicationPolicy("pol", {
        connection,
        name: "to-peer",
        destRegistryId: 1,
        filters: {},
        trigger: { type: "manual" },
      } as never);
    });
    const byName = Object.fromEntries(r.all.map((x) => [x.name, x]));
    const expected: Record<string, string[]> = {
      p: ["connection"],
      r: ["connection", "secret"],
      reg: ["connection", "spec", "accessSecret"],
      sys: ["connection", "secret"],
      pol: ["connection"],
    };
    for (const [name, outs] of Object.entries(expected)) {
      const reg = byName[name];
      assert.deepStrictEqual(reg.additionalSecretOutputs, outs, name);
      assert.ok(r.secrets(reg).includes("connection"), `${name}: connection is a secret input`);
      assert.deepStrictEqual(r.inputs(reg).connection, CONN, name);
      assert.ok(!JSON.stringify({ ...r.inputs(reg), connection: undefined }).includes(PASSWORD), name);
    }
  });

  it("a caller's additionalSecretOutputs are kept, once each", async () => {
    const r = await runComponent(() => {
      new Project(
        "p",
        { connection: CONN, name: "apps" },
        { additionalSecretOutputs: ["projectId", "connection"] },
      );
    });
    assert.deepStrictEqual(r.all[0].additionalSecretOutputs, ["projectId", "connection"]);
  });

  it("a class may not define __provider (the base sets the loader)", () => {
    class Bad extends HarborResource {
      constructor() {
        super("bad", { kind: "harbor:Bad", connection: CONN, __provider: "x" });
      }
    }
    assert.throws(() => new Bad(), /must not define the __provider input/);
  });
});

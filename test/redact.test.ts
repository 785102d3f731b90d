/**
 * A URL a caller typed may carry credentials (`https://user:password@host`). The config layer never shows user
 * info; the library components and the Harbor API client did, in their argument errors (secrets audit,
 * 2026-12-01). Each entry point here gets such a URL and must name the problem without the credentials.
 */
import * as assert from "assert";
import { resolveStorageArgs, storageArgsProblems } from "../components/storage/args";
import { registryAccessArgsProblems } from "../components/access/registry-access";
import { HarborClient } from "../components/harbor-config/client";
import { harborConfigPlan } from "../components/harbor-config/component";
import { resolveHarborArgs } from "../components/harbor/resolve";
import { withoutUserInfo } from "../components/redact";
import { renderHostsToml } from "../components/tls/node-trust";
import { profileArgs } from "./harbor/profiles";

const SECRET = "TOPSECRET-Pa55";

/** The message of what `fn` throws, or the problems it returns, joined. */
function said(fn: () => unknown): string {
  try {
    const r = fn();
    return Array.isArray(r) ? r.join("\n") : JSON.stringify(r);
  } catch (e) {
    return (e as Error).message;
  }
}

function hidden(text: string, where: string): void {
  assert.ok(!text.includes(SECRET), `${where}: ${text}`);
  assert.match(text, /\[user info\]@/, `${where}: ${text}`);
}

describe("redaction: URLs with user info in errors", () => {
  it("withoutUserInfo hides the user info whole, whatever the password holds", () => {
    const cases: [string, string][] = [
      ["https://u:p@host:9000", "https://[user info]@host:9000"],
      ['found "https://minioadmin:Pa55/w0rd#Secret@minio:9000"', 'found "https://[user info]@minio:9000"'],
      ["https://u:p@ss@host/x", "https://[user info]@host/x"],
      ["https://u:p?q@host", "https://[user info]@host"],
      ["a http://a:b@x and https://c:d@y", "a http://[user info]@x and https://[user info]@y"],
      ["https://host:9000/path", "https://host:9000/path"],
      ["no url here, user@example.com", "no url here, user@example.com"],
    ];
    for (const [input, expected] of cases) assert.strictEqual(withoutUserInfo(input), expected, input);
  });

  it("HarborClient: a bad Harbor URL is named without its credentials", () => {
    for (const url of [`ftp://admin:${SECRET}@harbor`, `https://admin:${SECRET}@`]) {
      const msg = said(() => new HarborClient({ url, username: "admin", password: "p" }));
      assert.match(msg, /^Harbor URL /, msg);
      hidden(msg, url);
    }
  });

  it("HarborConfig: a proxy-cache URL with user info", () => {
    const msg = said(() =>
      harborConfigPlan({
        url: "https://harbor.example",
        adminPassword: "p",
        proxyCaches: [
          { name: "hub", type: "docker-hub", url: `https://robot:${SECRET}@registry-1.docker.io` },
        ],
      }),
    );
    assert.match(msg, /proxyCaches\[0\]\.url: found/);
    hidden(msg, "proxyCaches");
  });

  it("Harbor: a storage endpoint with user info", () => {
    const args = profileArgs("dev");
    const msg = said(() =>
      resolveHarborArgs("harbor", {
        ...args,
        storage: { ...args.storage, endpoint: `https://AKIAEXAMPLE:${SECRET}@minio.example:9000` },
      }),
    );
    assert.match(msg, /storage\.endpoint: found/);
    hidden(msg, "Harbor storage.endpoint");
  });

  it("RegistryStorage: an endpoint with user info is refused (credentials go in accessKey/secretKey)", () => {
    const problems = storageArgsProblems(
      resolveStorageArgs({
        target: {
          kind: "s3-compatible",
          endpoint: `https://minioadmin:${SECRET}@minio.example.internal:9000`,
          accessKey: "a",
          secretKey: "s",
        },
        registryBucketName: "r-b",
        backupBucketName: "b-b",
      }),
    );
    const msg = problems.join("\n");
    assert.match(msg, /target\.endpoint: found .*; allowed: an absolute http\(s\) URL without user info/);
    hidden(msg, "RegistryStorage target.endpoint");
  });

  it("RegistryAccess and NodeTrust: a registry host given as a URL with user info", () => {
    const access = registryAccessArgsProblems({
      registry: { host: `https://u:${SECRET}@registry.example.com`, username: "u", password: "p" },
      project: "apps",
      namespace: "web",
    }).join("\n");
    assert.match(access, /registry\.host: found/);
    hidden(access, "RegistryAccess registry.host");
    const trust = said(() => renderHostsToml(`https://u:${SECRET}@registry.example.com`));
    assert.match(trust, /registry host: found/);
    hidden(trust, "NodeTrust host");
  });
});

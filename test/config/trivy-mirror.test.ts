/**
 * Trivy pulls its vulnerability DB mirrors without credentials (issue 9.9): chart 1.19.1 has no setting for
 * registry credentials of `trivy.dbRepository`, so a mirror in a private project of the platform's own
 * registry answers 401 and scanning never gets a DB. The config refuses that combination; the onprem example
 * keeps its mirror project public inside the network.
 */
import * as assert from "assert";
import { stackFile, stackWith } from "../harness";
import { configIssues, parsedConfig } from "../harness/config";

const MIRROR = "registry.dc1.corp.internal/mirror/aquasec/trivy-db";

function onpremWith(harbor: Record<string, unknown>, harborConfig: Record<string, unknown>) {
  const base = stackFile("onprem").config;
  const h = JSON.parse(base["registry-platform:harbor"]) as Record<string, unknown>;
  return stackWith("onprem", { harbor: { ...h, ...harbor }, harborConfig });
}

function has(lines: string[], re: RegExp): void {
  assert.ok(
    lines.some((l) => re.test(l)),
    `no issue matches ${re}; got:\n${lines.join("\n")}`,
  );
}

describe("config: Trivy's DB mirror must be readable without credentials (issue 9.9)", () => {
  it("the onprem example pulls the DB from a public mirror project of its own registry", () => {
    const c = parsedConfig(stackFile("onprem"), "onprem");
    assert.strictEqual(c.harbor.trivy.dbRepository, MIRROR);
    const mirror = c.harborConfig.projects.find((p) => p.name === "mirror");
    assert.ok(mirror, "onprem declares the mirror project");
    assert.strictEqual(mirror.public, true);
  });

  it("a mirror in a private project of this registry is an error naming the project's public key", () => {
    const lines = configIssues(
      onpremWith({}, { projects: [{ name: "platform" }, { name: "mirror", public: false }] }),
    );
    has(
      lines,
      /^registry-platform:harborConfig\.projects\[1\]\.public \| false \| true: Trivy pulls registry\.dc1\.corp\.internal\/mirror\/aquasec\/trivy-db \(harbor\.trivy\.dbRepository\) and registry\.dc1\.corp\.internal\/mirror\/aquasec\/trivy-java-db \(harbor\.trivy\.javaDbRepository\) from this registry without credentials/,
    );
  });

  it("the onprem example keeps its mirror project out of tag retention (the DB tags 2 and 1 are no releases)", () => {
    const c = parsedConfig(stackFile("onprem"), "onprem");
    const mirror = c.harborConfig.projects.find((p) => p.name === "mirror");
    assert.strictEqual(mirror?.tagRetention, false);
    assert.strictEqual(c.harborConfig.projects.find((p) => p.name === "platform")?.tagRetention, true);
  });

  it("a mirror in a project under tag retention is an error naming the project's tagRetention key", () => {
    const lines = configIssues(
      onpremWith({}, { projects: [{ name: "platform" }, { name: "mirror", public: true }] }),
    );
    has(
      lines,
      /^registry-platform:harborConfig\.projects\[1\]\.tagRetention \| true \| false: .*trivy-db \(harbor\.trivy\.dbRepository\).* tag retention deletes/,
    );
  });

  it("a mirror in a project this config does not declare is an error on the repository key", () => {
    const lines = configIssues(onpremWith({}, { projects: [{ name: "platform", public: true }] }));
    has(
      lines,
      /^registry-platform:harbor\.trivy\.dbRepository \| "registry\.dc1\.corp\.internal\/mirror\/aquasec\/trivy-db" \| a repository in a project of harborConfig\.projects with public: true .*"mirror" is not declared/,
    );
  });

  it("a mirror in a proxy-cache project (always private) is an error", () => {
    const lines = configIssues(
      onpremWith(
        {
          trivy: {
            enabled: true,
            offline: true,
            dbRepository: "registry.dc1.corp.internal/ghcr/aquasecurity/trivy-db",
          },
        },
        {
          projects: [{ name: "platform" }],
          proxyCaches: [{ name: "ghcr", type: "github-ghcr", url: "https://ghcr.io" }],
        },
      ),
    );
    has(
      lines,
      /^registry-platform:harbor\.trivy\.dbRepository \| .* \| .*"ghcr" is a proxy-cache project, which is private/,
    );
  });

  it("a mirror on another registry is not this config's business", () => {
    const c = parsedConfig(
      onpremWith(
        { trivy: { enabled: true, offline: true, dbRepository: "mirror.corp.internal/aquasec/trivy-db" } },
        { projects: [{ name: "platform" }] },
      ),
    );
    assert.strictEqual(c.harbor.trivy.dbRepository, "mirror.corp.internal/aquasec/trivy-db");
  });
});

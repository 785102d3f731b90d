import * as assert from "assert";
import {
  checkImage,
  DIGEST,
  HAS_DIGEST_RE,
  HAS_TAG_RE,
  isValidRegistryEntry,
  LATEST_TAG_RE,
  matchesRegistryEntries,
  parseImageRef,
  REFERENCE_RE,
  registryAllowed,
  registryEntryRegex,
  SHA256_DIGEST_RE,
} from "../../components/policy/image-ref";
import { ADMISSION_CASES, TABLE_ALLOWED_ENTRIES, TABLE_DIGEST } from "./admission-table";

describe("image-reference matcher: the admission table", () => {
  for (const c of ADMISSION_CASES) {
    it(`${c.kind}: ${c.image} parses as ${c.parsed === "invalid" ? "invalid" : `${c.parsed.registry}/${c.parsed.path}`}`, () => {
      const r = parseImageRef(c.image);
      if (c.parsed === "invalid") {
        assert.ok(!r.ok, "expected a parse error");
        return;
      }
      assert.ok(r.ok, r.ok ? "" : r.reason);
      assert.deepStrictEqual(
        { registry: r.ref.registry, path: r.ref.path, tag: r.ref.tag, digest: r.ref.digest },
        { registry: c.parsed.registry, path: c.parsed.path, tag: c.parsed.tag, digest: c.parsed.digest },
      );
    });

    it(`${c.kind}: ${c.image} → references ${c.allow.references ? "allow" : "deny"}, digests ${c.allow.digests ? "allow" : "deny"}, registries ${c.allow.registries ? "allow" : "deny"}`, () => {
      const refs = checkImage(c.image).filter((v) =>
        ["valid-reference", "no-latest", "tag-or-digest"].includes(v.rule),
      );
      assert.strictEqual(refs.length === 0, c.allow.references, JSON.stringify(refs));
      const dig = checkImage(c.image, { requireDigest: true }).filter((v) => v.rule === "require-digest");
      assert.strictEqual(dig.length === 0, c.allow.digests);
      const reg = checkImage(c.image, { allowedRegistries: TABLE_ALLOWED_ENTRIES }).filter(
        (v) => v.rule === "allowed-registry",
      );
      assert.strictEqual(reg.length === 0, c.allow.registries);
    });
  }
});

describe("image-reference matcher: parsing", () => {
  it("applies Docker Hub defaults: library/ for one component, docker.io for no registry, aliases folded", () => {
    const p = (s: string) => {
      const r = parseImageRef(s);
      assert.ok(r.ok, s);
      return [r.ref.registry, r.ref.path, r.ref.registryDefaulted];
    };
    assert.deepStrictEqual(p("busybox"), ["docker.io", "library/busybox", true]);
    assert.deepStrictEqual(p("index.docker.io/busybox:1"), ["docker.io", "library/busybox", false]);
    assert.deepStrictEqual(p("registry-1.docker.io/team/app:1"), ["docker.io", "team/app", false]);
    assert.deepStrictEqual(p("localhost/app:1"), ["localhost", "app", false]);
    assert.deepStrictEqual(p("Registry.Example.COM/app:1"), ["registry.example.com", "app", false]);
    assert.deepStrictEqual(p("[::1]:5000/app:1"), ["[::1]:5000", "app", false]);
    assert.deepStrictEqual(p("a.b/c/d/e:1"), ["a.b", "c/d/e", false]);
    assert.deepStrictEqual(p("my_team/app:1"), ["docker.io", "my_team/app", true]);
  });

  it("keeps host, port, tag and digest apart", () => {
    const r = parseImageRef(`reg.example.com:8443/a/b:v1@${TABLE_DIGEST}`);
    assert.ok(r.ok);
    assert.deepStrictEqual(r.ref, {
      raw: `reg.example.com:8443/a/b:v1@${TABLE_DIGEST}`,
      host: "reg.example.com",
      port: 8443,
      registry: "reg.example.com:8443",
      path: "a/b",
      tag: "v1",
      digest: TABLE_DIGEST,
      registryDefaulted: false,
    });
  });

  it("rejects malformed references with a reason", () => {
    for (const [s, why] of [
      ["", /empty/],
      ["reg.example.com/App:1", /lowercase/],
      ["reg.example.com/app:", /not a valid/],
      ["reg.example.com/app:-x", /not a valid/],
      [`reg.example.com/app:${"a".repeat(129)}`, /not a valid/],
      ["reg.example.com//app:1", /not a valid/],
      ["reg.example.com/app@sha256:xyz", /not a valid/],
      ["reg example/app:1", /not a valid/],
      ["x".repeat(5000), /longer than 4096/],
    ] as const) {
      const r = parseImageRef(s);
      assert.ok(!r.ok, s);
      assert.match(r.reason, why, s);
    }
  });
});

/** Images for the consistency checks, beyond the table. */
const MORE = [
  "nginx",
  "nginx:1",
  "nginx@" + TABLE_DIGEST,
  "library/nginx:1",
  "docker.io/nginx:1",
  "docker.io/library/nginx",
  "index.docker.io/library/nginx:1",
  "registry-1.docker.io/bitnami/redis:7",
  "docker.io:443/library/nginx:1",
  "bitnami/redis:7",
  "bitnami:7",
  "library:1",
  "localhost/app:1",
  "localhost:5000/app:1",
  "localhostx/app:1",
  "localhos/app:1",
  "xlocalhost/app:1",
  "Localhost/app:1",
  "ghcr.io/acme:1",
  "ghcr.io/acme",
  "ghcr.io/acme/x/y:1",
  "GHCR.IO/acme/tool:1",
  "ghcr.io/acme-x/tool:1",
  "registry.k8s.io:443/pause:3.10",
  "registry.k8s.io/pause",
  "mirror.example.internal/tools/jq:1",
  "a-b/c:1",
  "my_team/app:1",
  "my.team/app:1",
  ...ADMISSION_CASES.map((c) => c.image),
];

const ENTRY_SETS: readonly (readonly string[])[] = [
  TABLE_ALLOWED_ENTRIES,
  ["docker.io"],
  ["index.docker.io"],
  ["docker.io/library"],
  ["docker.io/bitnami"],
  ["docker.io/library/nginx"],
  ["docker.io/library/localhost"],
  ["localhost"],
  ["localhost:5000"],
  ["ghcr.io"],
  ["ghcr.io/acme/x"],
  ["[::1]:5000"],
];

describe("image-reference matcher: the ClusterPolicy expressions agree with the parser", () => {
  it("registry allow-list expressions match exactly the references the parser places in the registry", () => {
    for (const entries of ENTRY_SETS)
      for (const image of MORE) {
        const r = parseImageRef(image);
        if (!r.ok) continue;
        assert.strictEqual(
          matchesRegistryEntries(image, entries),
          registryAllowed(r.ref, entries),
          `${image} against ${entries.join(",")}`,
        );
      }
  });

  it("tag, digest and latest expressions agree with the parse of every valid image", () => {
    for (const image of MORE) {
      const r = parseImageRef(image);
      if (!r.ok) continue;
      const v = checkImage(image, { requireDigest: true });
      const rules = new Set(v.map((x) => x.rule));
      assert.strictEqual(rules.has("valid-reference"), false, image);
      assert.strictEqual(rules.has("no-latest"), r.ref.tag?.toLowerCase() === "latest", image);
      assert.strictEqual(
        rules.has("tag-or-digest"),
        r.ref.tag === undefined && r.ref.digest === undefined,
        image,
      );
      assert.strictEqual(rules.has("require-digest"), !r.ref.digest?.startsWith("sha256:"), image);
    }
  });

  it("every expression is valid RE2 syntax that Kyverno can carry: no lookaround, no backreference, no quote, no variable syntax", () => {
    const all = [
      REFERENCE_RE,
      LATEST_TAG_RE,
      HAS_TAG_RE,
      HAS_DIGEST_RE,
      SHA256_DIGEST_RE,
      DIGEST,
      ...ENTRY_SETS.flat().map(registryEntryRegex),
    ];
    for (const re of all) {
      new RegExp(re); // compiles in JavaScript
      assert.doesNotMatch(re, /\(\?[=!<]/, `lookaround in ${re}`);
      assert.doesNotMatch(re, /\\[1-9]/, `backreference in ${re}`);
      assert.ok(!re.includes("'"), `quote in ${re}`);
      assert.ok(!re.includes("\\\\"), `double backslash in ${re}`);
      assert.ok(
        !re.includes("{{") && !re.includes("}}") && !re.includes("$("),
        `Kyverno variable syntax in ${re}`,
      );
    }
  });

  it("validates allow-list entries: lowercase host[:port][/prefix]", () => {
    for (const e of [
      "ghcr.io",
      "ghcr.io/acme",
      "mirror.example.internal:5000",
      "docker.io/library",
      "[::1]:5000",
      "localhost",
    ])
      assert.ok(isValidRegistryEntry(e), e);
    for (const e of [
      "GHCR.io",
      "ghcr.io/",
      "https://ghcr.io",
      "ghcr.io/Acme",
      "ghcr.io:x",
      "",
      "ghcr.io/acme:1.0",
    ])
      assert.ok(!isValidRegistryEntry(e), e);
  });
});

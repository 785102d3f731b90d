/**
 * What `npm run e2e`'s k8s-check proves on the live dev and onprem stacks, for every stack, production ones
 * included (part of `npm run test:real`): the pinned charts, rendered by real `helm template` with the values the
 * program registers, plus the program's own objects, leave no pod template naming a Secret, ConfigMap, key,
 * ServiceAccount or PVC that nothing creates, and run no image that `npm run images` does not list. The production
 * stacks are where this matters most: their paths (external PostgreSQL, IRSA, metrics, Kyverno) are deployed by no
 * e2e run.
 *
 * Tools: helm and the chart archives as `npm run e2e` finds them (`E2E_HELM_BIN`, `E2E_CHARTS_DIR`, else
 * ../shared); a chart whose archive is not there (Kyverno's is not in ../shared) is named in the test's title
 * line and left out.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { versions } from "../../components/versions";
import { helmTemplate } from "../e2e/support/helm-template";
import { containersOf, podSpecOf } from "../e2e/support/pod-specs";
import { loadSettings } from "../e2e/support/settings";
import { listStacks } from "../../tools/synth/stackfile";
import { platformImages } from "../../components/artifacts/platform";
import { ROOT, stackFile, stackRun } from "../harness";
import { parsedConfig } from "../harness/config";
import { scratchDir } from "../harness/scratch";

type KObj = any;

/** The oldest Kubernetes the platform supports (components/velero/README.md); helm's default is older. */
const KUBE_VERSION = "1.30.0";

/** A named object that pods can reference, with its keys (Secrets, ConfigMaps). */
interface Available {
  kind: "Secret" | "ConfigMap" | "ServiceAccount" | "PersistentVolumeClaim";
  namespace: string;
  name: string;
  keys?: Set<string>;
}

/** What the API server or Kubernetes itself provides in every namespace. */
const BUILT_IN: Available[] = [
  { kind: "ServiceAccount", namespace: "*", name: "default" },
  { kind: "ConfigMap", namespace: "*", name: "kube-root-ca.crt", keys: new Set(["ca.crt"]) },
];

/** Every reference a pod spec makes: kind, name, and the keys it needs (unless marked optional). */
function references(spec: KObj): { kind: Available["kind"]; name: string; keys: string[]; what: string }[] {
  const out: { kind: Available["kind"]; name: string; keys: string[]; what: string }[] = [];
  const add = (kind: Available["kind"], name: string, keys: string[], what: string, optional?: boolean) => {
    if (!optional) out.push({ kind, name, keys, what });
  };
  for (const c of containersOf(spec)) {
    for (const e of (c.env ?? []) as KObj[]) {
      const s = e.valueFrom?.secretKeyRef;
      const m = e.valueFrom?.configMapKeyRef;
      if (s) add("Secret", s.name, [s.key], `${c.name} env ${e.name}`, s.optional);
      if (m) add("ConfigMap", m.name, [m.key], `${c.name} env ${e.name}`, m.optional);
    }
    for (const e of (c.envFrom ?? []) as KObj[]) {
      if (e.secretRef) add("Secret", e.secretRef.name, [], `${c.name} envFrom`, e.secretRef.optional);
      if (e.configMapRef)
        add("ConfigMap", e.configMapRef.name, [], `${c.name} envFrom`, e.configMapRef.optional);
    }
  }
  const itemKeys = (items: KObj[] | undefined) => (items ?? []).map((i) => i.key as string);
  // A Secret or ConfigMap as a volume or a projected source: `secretName` (volume) or `name`, `items`, `optional`.
  const source = (kind: "Secret" | "ConfigMap", s: KObj, what: string) => {
    if (s) add(kind, (s.secretName ?? s.name) as string, itemKeys(s.items), what, s.optional);
  };
  for (const v of (spec.volumes ?? []) as KObj[]) {
    source("Secret", v.secret, `volume ${v.name}`);
    source("ConfigMap", v.configMap, `volume ${v.name}`);
    if (v.persistentVolumeClaim)
      add("PersistentVolumeClaim", v.persistentVolumeClaim.claimName, [], `volume ${v.name}`);
    for (const p of (v.projected?.sources ?? []) as KObj[]) {
      source("Secret", p.secret, `volume ${v.name}`);
      source("ConfigMap", p.configMap, `volume ${v.name}`);
    }
  }
  if (spec.serviceAccountName) add("ServiceAccount", spec.serviceAccountName, [], "serviceAccountName");
  for (const s of (spec.imagePullSecrets ?? []) as KObj[]) add("Secret", s.name, [], "imagePullSecrets");
  return out;
}

/** A Secret's or ConfigMap's object as something pods can reference. */
function availableOf(o: KObj, namespace: string): Available | undefined {
  const ns = (o.metadata?.namespace as string | undefined) ?? namespace;
  const keysOf = (...maps: unknown[]) =>
    new Set(maps.flatMap((m) => (m && typeof m === "object" ? Object.keys(m) : [])));
  if (o.kind === "Secret")
    return { kind: "Secret", namespace: ns, name: o.metadata.name, keys: keysOf(o.data, o.stringData) };
  if (o.kind === "ConfigMap")
    return { kind: "ConfigMap", namespace: ns, name: o.metadata.name, keys: keysOf(o.data, o.binaryData) };
  if (o.kind === "ServiceAccount" || o.kind === "PersistentVolumeClaim")
    return { kind: o.kind as Available["kind"], namespace: ns, name: o.metadata.name };
  return undefined;
}

describe("charts + program, every stack (real helm template): every reference a pod template makes resolves; every image is listed", function () {
  this.timeout(300000);
  const settings = loadSettings();
  let dir: string;

  before(function () {
    if (!settings.helmBin || !settings.chartsDir || !fs.existsSync(settings.chartsDir)) {
      console.log(
        "      (skipped: no helm or chart directory; set E2E_HELM_BIN / E2E_CHARTS_DIR, or build ../shared)",
      );
      this.skip();
    }
    dir = scratchDir("chart-refs");
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  for (const stack of listStacks(ROOT))
    it(stack, async function () {
      const rec = await stackRun(stack);
      const available: Available[] = [...BUILT_IN];
      const workloads: { at: string; namespace: string; spec: KObj }[] = [];
      const take = (o: KObj, namespace: string, from: string) => {
        const a = availableOf(o, namespace);
        if (a) available.push(a);
        const spec = podSpecOf(o.kind as string, o);
        if (spec)
          workloads.push({
            at: `${from} ${o.kind}/${o.metadata?.name}`,
            namespace: o.metadata?.namespace ?? namespace,
            spec,
          });
      };
      // The program's own objects (inputs as registered; Secret values revealed, only their keys matter).
      for (const r of rec.all)
        if (r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"))
          take(rec.inputs(r), "default", "program");
      // Each chart as Helm renders it with the registered values.
      const rendered: string[] = [];
      const absent: string[] = [];
      for (const r of rec.byType("kubernetes:helm.sh/v3:Release")) {
        const i = rec.inputs(r);
        const chart = String(i.chart)
          .split("/")
          .pop()!
          .replace(/-\d[^/]*\.tgz$/, "");
        const version = (versions as unknown as Record<string, { chart?: string }>)[chart]?.chart;
        const archive = path.join(settings.chartsDir!, `${chart}-${version}.tgz`);
        if (!version || !fs.existsSync(archive)) {
          absent.push(`${chart} (${archive})`);
          continue;
        }
        const objects = helmTemplate({
          helmBin: settings.helmBin!,
          release: i.name as string,
          archive,
          namespace: i.namespace as string,
          values: i.values ?? {},
          valuesFile: path.join(dir, `${stack}-${chart}.json`),
          extraArgs: ["--skip-tests", "--kube-version", KUBE_VERSION],
        });
        for (const o of objects) take(o, i.namespace as string, chart);
        rendered.push(chart);
      }
      assert.ok(rendered.includes("harbor") && workloads.length > 0, `nothing rendered for ${stack}`);
      const broken: string[] = [];
      let checked = 0;
      for (const w of workloads)
        for (const ref of references(w.spec)) {
          checked++;
          const hit = available.find(
            (a) =>
              a.kind === ref.kind &&
              a.name === ref.name &&
              (a.namespace === w.namespace || a.namespace === "*"),
          );
          const lacking = hit ? ref.keys.filter((k) => hit.keys !== undefined && !hit.keys.has(k)) : [];
          if (!hit)
            broken.push(`${w.namespace}/${w.at}: ${ref.what} → ${ref.kind} ${ref.name} (nothing creates it)`);
          else if (lacking.length > 0)
            broken.push(
              `${w.namespace}/${w.at}: ${ref.what} → ${ref.kind} ${ref.name} has no key ${lacking.join(", ")}`,
            );
        }
      assert.deepStrictEqual(broken, [], `${stack}: references nothing satisfies`);
      // And every image they run is one `npm run images` lists (what an air gap's mirror must hold).
      const listed = new Set(platformImages(parsedConfig(stackFile(stack), stack)).map((i) => i.image));
      const unlisted = [
        ...new Set(
          workloads.flatMap((w) =>
            containersOf(w.spec)
              .map((c: KObj) => c.image as string)
              .filter((image) => !listed.has(image))
              .map((image) => `${image} (${w.at})`),
          ),
        ),
      ];
      assert.deepStrictEqual(unlisted, [], `${stack}: images npm run images does not list`);
      console.log(
        `      ${stack}: ${checked} references of ${workloads.length} pod templates resolve, every image listed ` +
          `(charts: ${rendered.join(", ")}` +
          `${absent.length ? `; not rendered, archive absent: ${absent.join(", ")}` : ""})`,
      );
    });
});

/** Shared by the Harbor component tests: resource types, generated values and a run per profile. */
import * as k8sProvider from "@pulumi/kubernetes/provider";
import * as assert from "assert";
import { Harbor } from "../../components/harbor";
import { Registration } from "../../tools/synth/engine";
import { Recorded, runComponent } from "../harness";
import { ProfileName, profileArgs, secretInputs } from "./profiles";

export const T = {
  component: "registry-platform:harbor:Harbor",
  release: "kubernetes:helm.sh/v3:Release",
  secret: "kubernetes:core/v1:Secret",
  namespace: "kubernetes:core/v1:Namespace",
  netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  password: "random:index/randomPassword:RandomPassword",
  key: "tls:index/privateKey:PrivateKey",
  selfSigned: "tls:index/selfSignedCert:SelfSignedCert",
  csr: "tls:index/certRequest:CertRequest",
  signed: "tls:index/locallySignedCert:LocallySignedCert",
};

export const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/**
 * The result of the run's RandomPassword `name` (what `pulumi up` would keep in state), checked to have
 * `length` characters from `alphabet`.
 */
export function generated(rec: Recorded, name: string, length: number, alphabet = ALNUM): string {
  const result = rec.state(rec.one(T.password, name)).result as string;
  assert.strictEqual(result.length, length, `${name}: length`);
  assert.ok(
    [...result].every((c) => alphabet.includes(c)),
    `${name}: ${result} outside ${alphabet}`,
  );
  return result;
}

export async function run(profile: ProfileName, preview = false): Promise<Recorded> {
  return runComponent(
    () => {
      const kubernetes = new k8sProvider.Provider("p", {});
      const h = new Harbor("harbor", profileArgs(profile, secretInputs()), { providers: { kubernetes } });
      return {
        namespace: h.namespace,
        releaseName: h.releaseName,
        url: h.url,
        host: h.host,
        adminUsername: h.adminUsername,
        adminPassword: h.adminPassword,
        coreServiceName: h.coreServiceName,
        releaseUrn: h.release.urn,
      };
    },
    { preview },
  );
}

/** Runs `f` and collects what `pulumi.log.warn` printed meanwhile (on the mock engine it goes to console.warn). */
export async function warningsOf(f: () => Promise<Recorded>): Promise<{ rec: Recorded; warnings: string[] }> {
  const warnings: string[] = [];
  const saved = console.warn;
  console.warn = (...a: unknown[]) => void warnings.push(a.map(String).join(" "));
  try {
    return { rec: await f(), warnings };
  } finally {
    console.warn = saved;
  }
}

/** `name` → { type, data (revealed), secretPaths } of every Kubernetes Secret. */
export function secretsOf(
  rec: Recorded,
): Map<string, { type: string; data: Record<string, string>; secrets: string[] }> {
  return new Map(
    rec.byType(T.secret).map((r) => {
      const i = rec.inputs(r);
      return [i.metadata.name as string, { type: i.type, data: i.stringData, secrets: rec.secrets(r) }];
    }),
  );
}

export function children(rec: Recorded): Registration[] {
  const c = rec.one(T.component);
  return rec.all.filter((r) => r.urn !== c.urn && r.type !== "pulumi:providers:kubernetes");
}

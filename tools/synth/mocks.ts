/**
 * The mock provider behaviour used by the offline synth and by every test: each resource's state is its
 * inputs echoed back plus the computed outputs a real provider would return (ids, ARNs, PEMs, random
 * results), derived deterministically from the resource's name so that two synths of the same config are
 * byte-identical.
 *
 * Not modelled: provider-side validation (e.g. AWS rejecting a bucket name that exists), real cryptography
 * (PEMs are PEM-shaped but not parseable certificates), server-side defaults we do not set, and dynamic
 * providers' create/read (their state is their inputs plus what {@link dynamicOutputs} adds).
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { flatView, nestLike } from "../../components/harbor-config/shape";
import { replaceReasons } from "./replace";

export const MOCK_ACCOUNT_ID = "123456789012";

/** Deterministic hex of `n` characters derived from `seed`. */
export function fakeHex(seed: string, n: number): string {
  let out = "";
  let i = 0;
  while (out.length < n) out += createHash("sha256").update(`${seed}#${i++}`).digest("hex");
  return out.slice(0, n);
}

/** Deterministic base64 body wrapped at 64 columns, inside PEM armour of the given label. */
export function fakePem(label: string, seed: string, bytes = 512): string {
  let raw = Buffer.alloc(0);
  let i = 0;
  while (raw.length < bytes)
    raw = Buffer.concat([raw, createHash("sha512").update(`${seed}#${i++}`).digest()]);
  const b64 = raw.subarray(0, bytes).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** A password-like string of `length` characters from the given alphabet, deterministic per seed. */
export function fakeString(seed: string, length: number, alphabet: string): string {
  const hex = fakeHex(seed, length * 4);
  let out = "";
  for (let i = 0; i < length; i++)
    out += alphabet[parseInt(hex.slice(i * 4, i * 4 + 4), 16) % alphabet.length];
  return out;
}

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();
const DIGITS = "0123456789";
const SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

type State = Record<string, unknown>;

function randomAlphabet(inputs: State): string {
  let a = "";
  if (inputs.lower !== false) a += LOWER;
  if (inputs.upper !== false) a += UPPER;
  if (inputs.numeric !== false) a += DIGITS;
  if (inputs.special !== false)
    a += typeof inputs.overrideSpecial === "string" ? inputs.overrideSpecial : SPECIAL;
  return a || LOWER;
}

/** JSON with object keys sorted: the same value gives the same text whatever the key order. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as State)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

/**
 * What a resource's computed outputs derive from. A replaced tls or random resource has new outputs (a new key,
 * certificate, password): its seed covers the inputs whose change replaces it (the replace rules of plan-diff,
 * `./replace.ts`: all of them but a certificate's `earlyRenewalHours`), so that a change cascades to what uses
 * them in the synth, as in a real preview. Other types: their type and name.
 */
export function mockSeed(type: string, name: string, inputs: State): string {
  if (!/^(tls|random):/.test(type)) return `${type}::${name}`;
  const identity = Object.fromEntries(
    Object.entries(inputs).filter(([k]) => replaceReasons(type, [k], undefined, undefined).length > 0),
  );
  return `${type}::${name}::${createHash("sha256").update(canonicalJson(identity)).digest("hex")}`;
}

/** Computed outputs per resource type, on top of the echoed inputs. */
function computed(type: string, name: string, inputs: State): { id?: string; state: State } {
  const seed = mockSeed(type, name, inputs);
  switch (type) {
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const bucket = (inputs.bucket as string | undefined) ?? `${name}-${fakeHex(seed, 7)}`;
      return {
        id: bucket,
        state: {
          bucket,
          arn: `arn:aws:s3:::${bucket}`,
          bucketDomainName: `${bucket}.s3.amazonaws.com`,
          bucketRegionalDomainName: `${bucket}.s3.mock-region.amazonaws.com`,
          hostedZoneId: "Z3O0J2DXBE1FTB",
        },
      };
    }
    case "aws:iam/role:Role":
    case "aws:iam/user:User":
    case "aws:iam/policy:Policy": {
      const kind = type.split(":")[2].toLowerCase();
      const resName = (inputs.name as string | undefined) ?? `${name}-${fakeHex(seed, 7)}`;
      return {
        id: resName,
        state: {
          name: resName,
          arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:${kind}/${resName}`,
          uniqueId: `AID${fakeHex(seed, 17).toUpperCase()}`,
        },
      };
    }
    case "aws:iam/accessKey:AccessKey":
      return {
        id: `AKIA${fakeHex(seed, 16).toUpperCase()}`,
        state: { secret: fakeString(seed, 40, LOWER + UPPER + DIGITS + "/+"), status: "Active" },
      };
    case "aws:kms/key:Key":
      return {
        id: fakeHex(seed, 32),
        state: {
          arn: `arn:aws:kms:mock-region:${MOCK_ACCOUNT_ID}:key/${fakeHex(seed, 32)}`,
          keyId: fakeHex(seed, 32),
        },
      };
    case "tls:index/privateKey:PrivateKey": {
      const label = inputs.algorithm === "RSA" ? "RSA PRIVATE KEY" : "EC PRIVATE KEY";
      return {
        state: {
          privateKeyPem: fakePem(label, seed, inputs.algorithm === "RSA" ? 1190 : 167),
          privateKeyPemPkcs8: fakePem("PRIVATE KEY", seed + "pkcs8", inputs.algorithm === "RSA" ? 1218 : 185),
          privateKeyOpenssh: fakePem("OPENSSH PRIVATE KEY", seed + "ssh", 300),
          publicKeyPem: fakePem("PUBLIC KEY", seed + "pub", inputs.algorithm === "RSA" ? 550 : 120),
          publicKeyOpenssh: `${inputs.algorithm === "RSA" ? "ssh-rsa" : "ecdsa-sha2-nistp384"} ${Buffer.from(fakeHex(seed, 64)).toString("base64")}\n`,
          publicKeyFingerprintMd5: fakeHex(seed + "md5", 32).replace(/(..)(?!$)/g, "$1:"),
          publicKeyFingerprintSha256: `SHA256:${Buffer.from(fakeHex(seed + "sha", 32), "hex")
            .toString("base64")
            .replace(/=+$/, "")}`,
        },
      };
    }
    case "tls:index/selfSignedCert:SelfSignedCert":
    case "tls:index/locallySignedCert:LocallySignedCert": {
      const hours = typeof inputs.validityPeriodHours === "number" ? inputs.validityPeriodHours : 0;
      const start = Date.UTC(2026, 0, 1);
      return {
        state: {
          certPem: fakePem("CERTIFICATE", seed, 640),
          validityStartTime: new Date(start).toISOString().replace(".000", ""),
          validityEndTime: new Date(start + hours * 3600_000).toISOString().replace(".000", ""),
          readyForRenewal: false,
        },
      };
    }
    case "tls:index/certRequest:CertRequest":
      return { state: { certRequestPem: fakePem("CERTIFICATE REQUEST", seed, 400) } };
    case "random:index/randomPassword:RandomPassword":
    case "random:index/randomString:RandomString": {
      const length = typeof inputs.length === "number" ? inputs.length : 16;
      const result = fakeString(seed, length, randomAlphabet(inputs));
      return {
        state: {
          result,
          bcryptHash: `$2a$10$${fakeString(seed + "bcrypt", 53, LOWER + UPPER + DIGITS + "./")}`,
        },
      };
    }
    case "random:index/randomId:RandomId": {
      const n = typeof inputs.byteLength === "number" ? inputs.byteLength : 8;
      const hex = fakeHex(seed, n * 2);
      return {
        state: {
          hex,
          b64Url: Buffer.from(hex, "hex").toString("base64url"),
          dec: BigInt(`0x${hex}`).toString(),
        },
      };
    }
    default:
      break;
  }
  if (type.startsWith("kubernetes:")) return { state: kubernetesState(type, name, inputs) };
  return { state: {} };
}

/** Kubernetes objects: metadata.name is auto-named (name + suffix) when not given, as the provider does. */
function kubernetesState(type: string, name: string, inputs: State): State {
  if (type === "kubernetes:helm.sh/v3:Release") {
    const releaseName = (inputs.name as string | undefined) ?? `${name}-${fakeHex(type + name, 8)}`;
    return {
      name: releaseName,
      status: {
        name: releaseName,
        namespace: inputs.namespace ?? "default",
        chart: inputs.chart,
        version: inputs.version,
        status: "deployed",
        revision: 1,
      },
    };
  }
  const metadata = (inputs.metadata ?? {}) as State;
  if (type === "kubernetes:yaml/v2:ConfigGroup" || type === "kubernetes:yaml/v2:ConfigFile") return {};
  return {
    metadata: {
      ...metadata,
      name: metadata.name ?? `${name}-${fakeHex(type + name, 8)}`,
      uid: `${fakeHex(type + name + "uid", 8)}-${fakeHex(name, 4)}-4${fakeHex(name + "v", 3)}-a${fakeHex(name + "w", 3)}-${fakeHex(name + "x", 12)}`,
    },
  };
}

/**
 * `inputs` with a secret `spec` made plain. The SDK hands the mock engine an object that holds a secret (a
 * registry's credential in its `spec`) as one secret object; the engine's dynamic provider gets it plain.
 */
function withPlainSpec(inputs: State): State {
  const rt = pulumi.runtime;
  return rt.isRpcSecret(inputs.spec)
    ? { ...inputs, spec: rt.unwrapRpcSecret(inputs.spec) as unknown }
    : inputs;
}

/**
 * Extra outputs for a dynamic resource, keyed by the `kind` input our dynamic resources carry (see
 * components/harbor-config). Components may register more with {@link registerDynamicOutputs}.
 */
const dynamicOutputs = new Map<string, (name: string, inputs: State) => State>();

export function registerDynamicOutputs(kind: string, fn: (name: string, inputs: State) => State): void {
  dynamicOutputs.set(kind, fn);
}

/** What a `StackReference` read returns: the referenced stack's outputs and which of them are secret. */
export interface PeerStackOutputs {
  outputs: Record<string, unknown>;
  /** Top-level output names whose values are secret (the engine reports them as `secretOutputNames`). */
  secretOutputNames: string[];
}

/**
 * Resolves a fully qualified stack name to its outputs; throws an Error naming the stack (and where it looked)
 * when it cannot.
 */
export type StackReferenceResolver = (fullyQualifiedName: string) => PeerStackOutputs;

export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

/**
 * The state a `StackReference` read returns on the mock engine. Secret outputs are secrets inside `outputs`
 * (as the real engine returns them), so the whole `outputs` property is secret while `getOutput` of a
 * non-secret name is not (the SDK decides with `secretOutputNames`).
 */
export function stackReferenceState(name: string, peer: PeerStackOutputs): State {
  const secret = new Set(peer.secretOutputNames);
  return {
    name,
    outputs: Object.fromEntries(
      Object.entries(peer.outputs).map(([k, v]) => [k, secret.has(k) ? pulumi.secret(v) : v]),
    ),
    secretOutputNames: [...peer.secretOutputNames].sort(),
  };
}

/** Outputs of other stacks registered in code (tests, app stacks on the mock engine); they win over a resolver. */
const registeredStackReferences = new Map<string, PeerStackOutputs>();

/**
 * Makes `new StackReference(..., { name: stack })` read these outputs; `secretOutputNames` are secret, as the
 * engine marks them.
 */
export function registerStackReference(
  stack: string,
  outputs: State,
  secretOutputNames: string[] = [],
): void {
  registeredStackReferences.set(stack, { outputs, secretOutputNames });
}

export class PlatformMocks implements pulumi.runtime.Mocks {
  /** `stackReferences` answers `StackReference` reads; without it they fail naming the stack. */
  constructor(private readonly stackReferences?: StackReferenceResolver) {}

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
    const inputs = (args.inputs ?? {}) as State;
    if (args.type === STACK_REFERENCE_TYPE) {
      const name = typeof inputs.name === "string" ? inputs.name : (args.id ?? args.name);
      const registered = registeredStackReferences.get(name);
      if (registered) return { id: name, state: stackReferenceState(name, registered) };
      if (!this.stackReferences)
        throw new Error(
          `StackReference ${name}: the mock engine was given no outputs of other stacks (offline synth: synthesize ${name.split("/").pop()} first into the same --out directory, or pass --peer-outputs <dir>)`,
        );
      return { id: name, state: stackReferenceState(name, this.stackReferences(name)) };
    }
    if (args.type === "pulumi-nodejs:dynamic:Resource") {
      // Harbor resources carry their inputs, `kind` included, under `spec` (components/harbor-config/shape.ts);
      // the computed outputs are top-level, as the provider returns them.
      const plain = withPlainSpec(inputs);
      const flat = flatView(plain);
      const kind = typeof flat.kind === "string" ? flat.kind : "";
      const extra = dynamicOutputs.get(kind)?.(args.name, flat) ?? {};
      const state = nestLike({ ...flat, ...extra }, plain);
      delete state.__provider;
      return { id: `${args.name}-id`, state };
    }
    const { id, state } = computed(args.type, args.name, inputs);
    return {
      id: args.custom === false ? undefined : (id ?? `${args.name}-id`),
      state: { ...inputs, ...state },
    };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    switch (args.token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          accountId: MOCK_ACCOUNT_ID,
          arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/mock`,
          userId: "AIDAMOCK",
        };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com" };
      case "aws:index/getRegion:getRegion":
        return { name: "mock-region", region: "mock-region" };
      default:
        return args.inputs as Record<string, unknown>;
    }
  }
}

// Harbor dynamic resources' mock outputs. Imported last: it registers through the functions above.
import "./mocks-harbor";

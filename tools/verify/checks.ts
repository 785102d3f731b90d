/**
 * The checks of `verify` (SPEC R10.1), each a function of explicit inputs returning pass/fail with details,
 * so that each runs alone against a test server. The CLI (`cli.ts`) wires them from a stack's outputs and
 * config and runs every one under its own timeout.
 */
import * as http from "http";
import * as https from "https";
import * as tls from "tls";
import type { KubeApi } from "../drill/kube";
import { kubeJson } from "../drill/kube";
import { cronPeriodMs } from "./cron";

import { DAY, fromItems, Outcome } from "./outcome";

export { BucketExpectation, checkBucket, deniesInsecureTransport } from "./bucket-checks";
export type { Outcome, Status } from "./outcome";

export interface CheckResult extends Outcome {
  id: string;
  title: string;
  ms: number;
}

export interface Check {
  id: string;
  title: string;
  run(): Promise<Outcome>;
}

/** Runs `check` with a timeout; a throw or a timeout is a failure with the message. */
export async function runCheck(check: Check, timeoutMs: number): Promise<CheckResult> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: "fail", details: [`timed out after ${Math.round(timeoutMs / 1000)} s`] }),
      timeoutMs,
    );
  });
  let outcome: Outcome;
  try {
    outcome = await Promise.race([check.run(), timeout]);
  } catch (e) {
    outcome = { status: "fail", details: [(e as Error).message] };
  } finally {
    clearTimeout(timer);
  }
  return { id: check.id, title: check.title, ...outcome, ms: Date.now() - started };
}

// ── TLS ───────────────────────────────────────────────────────────────────────────────────────────────────

export interface TlsCheckInput {
  /** The name the certificate must be valid for. */
  host: string;
  port: number;
  /** Where to connect (default: host). */
  connectHost?: string;
  /** The CA bundle the chain must verify against (only it). Absent: the public roots. */
  caPem?: string;
  /** Every certificate of the served chain must be valid for at least this many more days. */
  minDays: number;
  timeoutMs: number;
  now?: Date;
}

interface PeerCert extends tls.PeerCertificate {
  issuerCertificate?: PeerCert;
}

/** The served chain is valid for `host` against the CA bundle, and no certificate in it expires soon. */
export function checkTls(i: TlsCheckInput): Promise<Outcome> {
  const now = (i.now ?? new Date()).getTime();
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: i.connectHost ?? i.host,
      port: i.port,
      ...(/^[\d.]+$|:/.test(i.host) ? {} : { servername: i.host }),
      ...(i.caPem ? { ca: i.caPem } : {}),
      rejectUnauthorized: false,
      timeout: i.timeoutMs,
    });
    socket.on("timeout", () =>
      socket.destroy(new Error(`no TLS handshake with ${i.host}:${i.port} in time`)),
    );
    socket.on("error", (e: Error) =>
      reject(new Error(`TLS connection to ${i.host}:${i.port} failed: ${e.message}`)),
    );
    socket.on("secureConnect", () => {
      const leaf = socket.getPeerCertificate(true) as PeerCert;
      const chainError = socket.authorizationError ? String(socket.authorizationError) : "";
      // Node folds the host name check into `authorized`; it is reported as its own item below.
      const chainOk = socket.authorized || chainError === "ERR_TLS_CERT_ALTNAME_INVALID";
      socket.end();
      const identity = leaf?.raw ? tls.checkServerIdentity(i.host, leaf) : new Error("no certificate");
      const chain: PeerCert[] = [];
      for (let c: PeerCert | undefined = leaf; c?.raw && !chain.includes(c); c = c.issuerCertificate) {
        chain.push(c);
        if (c.issuerCertificate === c) break;
      }
      const items: [boolean, string][] = [
        [
          chainOk,
          chainOk
            ? `chain verifies against ${i.caPem ? "the platform CA bundle" : "the public roots"}`
            : `chain does not verify against ${i.caPem ? "the platform CA bundle" : "the public roots"}: ${chainError}`,
        ],
        [
          identity === undefined,
          identity === undefined
            ? `certificate is valid for ${i.host}`
            : `certificate is not valid for ${i.host}: ${identity.message}`,
        ],
      ];
      for (const c of chain) {
        const days = Math.floor((Date.parse(c.valid_to) - now) / DAY);
        const cn = c.subject?.CN;
        const name = (Array.isArray(cn) ? cn[0] : cn) ?? "(no CN)";
        items.push([
          days >= i.minDays,
          days < 0
            ? `${name}: expired on ${new Date(c.valid_to).toISOString().slice(0, 10)}`
            : `${name}: expires in ${days} days (${new Date(c.valid_to).toISOString().slice(0, 10)})${days < i.minDays ? `, less than ${i.minDays}` : ""}`,
        ]);
      }
      resolve(fromItems(items));
    });
  });
}

// ── HTTP helper ───────────────────────────────────────────────────────────────────────────────────────────

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function httpRequest(
  method: string,
  url: string,
  o: { caPem?: string; headers?: Record<string, string>; timeoutMs: number },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = (u.protocol === "http:" ? http : https).request(
      u,
      {
        method,
        headers: o.headers ?? {},
        timeout: o.timeoutMs,
        ...(u.protocol === "https:" && o.caPem ? { ca: o.caPem } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${u.origin}${u.pathname}: no answer in time`)));
    req.on("error", (e) => reject(new Error(`${method} ${u.origin}${u.pathname}: ${e.message}`)));
    req.end();
  });
}

// ── Harbor health ─────────────────────────────────────────────────────────────────────────────────────────

/** `GET /api/v2.0/health`: the overall status and every component healthy. */
export async function checkHarborHealth(i: {
  url: string;
  caPem?: string;
  timeoutMs: number;
}): Promise<Outcome> {
  const r = await httpRequest("GET", `${i.url.replace(/\/$/, "")}/api/v2.0/health`, {
    caPem: i.caPem,
    headers: { Accept: "application/json" },
    timeoutMs: i.timeoutMs,
  });
  if (r.status !== 200) return { status: "fail", details: [`GET /api/v2.0/health → HTTP ${r.status}`] };
  let h: { status?: string; components?: { name: string; status: string; error?: string }[] };
  try {
    h = JSON.parse(r.body) as typeof h;
  } catch {
    return { status: "fail", details: ["GET /api/v2.0/health answered something that is not JSON"] };
  }
  const comps = h.components ?? [];
  return fromItems([
    [h.status === "healthy", `overall: ${h.status ?? "(none)"}`],
    ...comps.map((c): [boolean, string] => [
      c.status === "healthy",
      `${c.name}: ${c.status}${c.error ? ` (${c.error.slice(0, 160)})` : ""}`,
    ]),
  ]);
}

// ── Pull robot: can pull, cannot push ─────────────────────────────────────────────────────────────────────

export interface RobotCheckInput {
  /** `https://host[:port]` of the registry (the `/v2/` API). */
  registryUrl: string;
  caPem?: string;
  project: string;
  username: string;
  password: string;
  /** Repository (inside the project) used for the probes; need not exist. Default `verify-probe`. */
  probeRepository?: string;
  timeoutMs: number;
}

interface Access {
  type: string;
  name: string;
  actions: string[];
}

/** The `access` claim of a registry token (a JWT), if it is one. */
export function tokenAccess(token: string): Access[] | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as { access?: Access[] };
    return Array.isArray(claims.access) ? claims.access : [];
  } catch {
    return undefined;
  }
}

/**
 * The project's pull robot asks the registry's token service for `pull,push` on a probe repository: the token
 * must grant pull and not push; a pull-side request with it must authenticate (404 for the missing probe is
 * fine) and a blob upload with it must be refused.
 */
export async function checkPullRobot(i: RobotCheckInput): Promise<Outcome> {
  const base = i.registryUrl.replace(/\/$/, "");
  const repo = `${i.project}/${i.probeRepository ?? "verify-probe"}`;
  const o = { caPem: i.caPem, timeoutMs: i.timeoutMs };
  const ping = await httpRequest("GET", `${base}/v2/`, o);
  if (ping.status === 200)
    return {
      status: "fail",
      details: ["GET /v2/ answered 200 without credentials: the registry allows anonymous access"],
    };
  const challenge = String(ping.headers["www-authenticate"] ?? "");
  const realm = /realm="([^"]+)"/.exec(challenge)?.[1];
  const service = /service="([^"]+)"/.exec(challenge)?.[1];
  if (ping.status !== 401 || !/^Bearer /i.test(challenge) || !realm)
    return {
      status: "fail",
      details: [`GET /v2/ → HTTP ${ping.status}; expected 401 with a Bearer token challenge`],
    };
  const tokenUrl = new URL(realm);
  if (service) tokenUrl.searchParams.set("service", service);
  tokenUrl.searchParams.set("scope", `repository:${repo}:pull,push`);
  const auth = `Basic ${Buffer.from(`${i.username}:${i.password}`, "utf8").toString("base64")}`;
  const t = await httpRequest("GET", tokenUrl.toString(), { ...o, headers: { Authorization: auth } });
  if (t.status !== 200)
    return {
      status: "fail",
      details: [
        `token service → HTTP ${t.status} for ${i.username}${t.status === 401 ? ": the pull robot's credentials are rejected" : ""}`,
      ],
    };
  let token: string | undefined;
  try {
    const j = JSON.parse(t.body) as { token?: string; access_token?: string };
    token = j.token ?? j.access_token;
  } catch {
    token = undefined;
  }
  if (!token) return { status: "fail", details: ["token service answered without a token"] };
  const items: [boolean, string][] = [];
  const access = tokenAccess(token);
  if (access) {
    const actions = access
      .filter((a) => a.type === "repository" && a.name === repo)
      .flatMap((a) => a.actions);
    items.push([
      actions.includes("pull"),
      `token scope grants pull on ${repo}${actions.includes("pull") ? "" : " — it does not"}`,
    ]);
    items.push([
      !actions.includes("push"),
      actions.includes("push")
        ? `token scope grants PUSH on ${repo}`
        : `token scope withholds push on ${repo}`,
    ]);
  }
  const bearer = { ...o, headers: { Authorization: `Bearer ${token}` } };
  const pull = await httpRequest("GET", `${base}/v2/${repo}/tags/list`, bearer);
  items.push([
    pull.status === 200 || pull.status === 404,
    `pull-side request (GET /v2/${repo}/tags/list) → HTTP ${pull.status}${pull.status === 404 ? " (no such repository: authenticated)" : ""}`,
  ]);
  const push = await httpRequest("POST", `${base}/v2/${repo}/blobs/uploads/`, bearer);
  if (push.status === 202 && typeof push.headers.location === "string") {
    const loc = new URL(push.headers.location, base).toString();
    await httpRequest("DELETE", loc, bearer).catch(() => undefined);
  }
  items.push([
    push.status === 401 || push.status === 403,
    push.status === 401 || push.status === 403
      ? `blob upload refused (HTTP ${push.status})`
      : `blob upload NOT refused (HTTP ${push.status})`,
  ]);
  return fromItems(items);
}

// ── Velero ────────────────────────────────────────────────────────────────────────────────────────────────

interface VeleroObject {
  metadata: { name: string; creationTimestamp?: string };
  spec?: { schedule?: string };
  status?: { phase?: string; completionTimestamp?: string };
}

/** The last Completed backup of the schedule is younger than the schedule's period (+ grace). */
export async function checkVeleroSchedule(i: {
  kube: KubeApi;
  namespace: string;
  schedule: string;
  graceMs: number;
  now?: Date;
}): Promise<Outcome> {
  const now = (i.now ?? new Date()).getTime();
  const ns = encodeURIComponent(i.namespace);
  const sched = await kubeJson<VeleroObject>(
    i.kube,
    "GET",
    `/apis/velero.io/v1/namespaces/${ns}/schedules/${encodeURIComponent(i.schedule)}`,
  );
  const expr = sched.spec?.schedule;
  if (!expr) return { status: "fail", details: [`schedule ${i.schedule} has no spec.schedule`] };
  const period = cronPeriodMs(expr);
  const limit = period + i.graceMs;
  const list = await kubeJson<{ items: VeleroObject[] }>(
    i.kube,
    "GET",
    `/apis/velero.io/v1/namespaces/${ns}/backups?labelSelector=${encodeURIComponent(`velero.io/schedule-name=${i.schedule}`)}`,
  );
  const done = list.items
    .filter((b) => b.status?.phase === "Completed" && b.status.completionTimestamp)
    .map((b) => ({ name: b.metadata.name, at: Date.parse(b.status!.completionTimestamp!) }))
    .sort((a, b) => b.at - a.at);
  const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1)} h`;
  const periodText = `period ${hours(period)} (${expr}) + grace ${hours(i.graceMs)}`;
  if (!done.length) {
    const created = Date.parse(sched.metadata.creationTimestamp ?? "");
    if (Number.isFinite(created) && now - created < limit)
      return {
        status: "pass",
        details: [
          `no completed backup yet; the schedule is ${hours(now - created)} old, first one not due (${periodText})`,
        ],
      };
    return { status: "fail", details: [`no completed backup of ${i.schedule} (${periodText})`] };
  }
  const age = now - done[0].at;
  return fromItems([
    [age <= limit, `last completed backup ${done[0].name} is ${hours(age)} old; ${periodText}`],
  ]);
}

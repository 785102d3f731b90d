/**
 * Preload (NODE_OPTIONS=--require <this file, built>) for the program and the dynamic-provider processes of a
 * run whose ingress stand-in listens on another loopback address than 127.0.0.1: names under
 * E2E_LOOPBACK_DOMAINS (default .example.internal,.corp.internal) resolve to E2E_LOOPBACK_ADDRESS (default
 * 127.0.0.1). Two runs can then each serve the stacks' port-less https URLs on port 443 of their own address.
 * Everything else resolves as usual.
 */
import dns from "dns";

const address = process.env.E2E_LOOPBACK_ADDRESS || "127.0.0.1";
const domains = (process.env.E2E_LOOPBACK_DOMAINS || ".example.internal,.corp.internal")
  .split(",")
  .filter(Boolean);
const original = dns.lookup;

type Callback = (err: NodeJS.ErrnoException | null, address: unknown, family?: number) => void;

function lookup(this: unknown, host: string, opts: unknown, cb?: Callback): void {
  let callback = cb;
  let options = opts;
  if (typeof opts === "function") {
    callback = opts as Callback;
    options = {};
  }
  if (typeof host === "string" && domains.some((d) => host === d.replace(/^\./, "") || host.endsWith(d))) {
    const o = (typeof options === "number" ? { family: options } : (options ?? {})) as { all?: boolean };
    process.nextTick(() => (o.all ? callback!(null, [{ address, family: 4 }]) : callback!(null, address, 4)));
    return;
  }
  (original as (...a: unknown[]) => void).call(this, host, options, callback);
}

(dns as { lookup: unknown }).lookup = lookup;

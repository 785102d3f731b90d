/**
 * The fake Harbor as a standalone process, for tests that drive a real Pulumi engine (test/e2e): HTTPS on
 * loopback with the same behaviour as in the unit tests (Harbor v2.15.2's observed answers included).
 *
 *   node dist/test/harbor-config/support/fake-harbor-server.js [--cert <pem> --key <pem>] [--host 127.0.0.1]
 *        [--port 0] [--password <admin password>] [--ca-out <file>]
 *
 * Environment equivalents: FAKE_HARBOR_CERT, FAKE_HARBOR_KEY, FAKE_HARBOR_HOST, FAKE_HARBOR_PORT,
 * FAKE_HARBOR_PASSWORD, FAKE_HARBOR_CA_OUT. Without a certificate, a throw-away CA and a certificate for
 * 127.0.0.1/localhost are made with openssl; `--ca-out` writes that CA (clients must trust it).
 *
 * Prints one JSON line when it listens — `{"url","username","password","pid","caFile"?}` — then serves until
 * SIGINT/SIGTERM (exit 0). Exit 2: bad arguments; 1: cannot listen. `GET /__fake/state` (admin Basic auth)
 * returns what it holds (projects, robots, rules, policies, registries, schedules, forwarding, schema errors).
 */
import * as fs from "fs";
import { FakeHarbor } from "./fake-harbor";
import { testPki } from "./tls";

interface Options {
  cert?: string;
  key?: string;
  host: string;
  port: number;
  password?: string;
  caOut?: string;
}

const FLAGS: Record<string, keyof Options> = {
  "--cert": "cert",
  "--key": "key",
  "--host": "host",
  "--port": "port",
  "--password": "password",
  "--ca-out": "caOut",
};

function usage(problem: string): never {
  process.stderr.write(
    `fake-harbor-server: ${problem}\nusage: fake-harbor-server [--cert <pem> --key <pem>] [--host <ip>] ` +
      `[--port <n>] [--password <pw>] [--ca-out <file>]\n`,
  );
  process.exit(2);
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const raw: Record<string, string | undefined> = {
    cert: env.FAKE_HARBOR_CERT,
    key: env.FAKE_HARBOR_KEY,
    host: env.FAKE_HARBOR_HOST,
    port: env.FAKE_HARBOR_PORT,
    password: env.FAKE_HARBOR_PASSWORD,
    caOut: env.FAKE_HARBOR_CA_OUT,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = FLAGS[argv[i]];
    if (!key) usage(`unknown argument ${argv[i]}`);
    if (argv[i + 1] === undefined) usage(`${argv[i]} needs a value`);
    raw[key] = argv[i + 1];
  }
  if ((raw.cert === undefined) !== (raw.key === undefined)) usage("--cert and --key go together");
  const port = Number(raw.port ?? "0");
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    usage(`--port: found ${raw.port}; allowed: 0-65535`);
  return {
    cert: raw.cert,
    key: raw.key,
    host: raw.host ?? "127.0.0.1",
    port,
    password: raw.password,
    caOut: raw.caOut,
  };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2), process.env);
  let tls: { cert: string; key: string };
  let caFile: string | undefined;
  if (opts.cert && opts.key) {
    tls = { cert: fs.readFileSync(opts.cert, "utf8"), key: fs.readFileSync(opts.key, "utf8") };
  } else {
    const pki = testPki();
    tls = { cert: pki.serverCertPem, key: pki.serverKeyPem };
    if (opts.caOut) {
      fs.writeFileSync(opts.caOut, pki.caPem);
      caFile = opts.caOut;
    }
  }
  const fake = new FakeHarbor(tls);
  if (opts.password) fake.password = opts.password;
  try {
    await fake.start(opts.port, opts.host);
  } catch (e) {
    process.stderr.write(`fake-harbor-server: cannot listen on ${opts.host}:${opts.port}: ${String(e)}\n`);
    process.exit(1);
  }
  process.stdout.write(
    JSON.stringify({
      url: fake.url,
      username: fake.username,
      password: fake.password,
      pid: process.pid,
      ...(caFile ? { caFile } : {}),
    }) + "\n",
  );
  const stop = () => void fake.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (require.main === module) void main();

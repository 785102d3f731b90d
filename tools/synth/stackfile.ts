/**
 * Reads a Pulumi stack config file (`stacks/Pulumi.<stack>.yaml`) the way the Pulumi CLI hands config to a
 * program: full keys → string values (objects as JSON), plus the list of secret keys. Secure values cannot
 * be decrypted offline, so each becomes an offline-synth stand-in that is still marked secret.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { NAMESPACE } from "../../config/namespace";
import type { ConfigSource } from "../../config/parse";
import { OFFLINE_STAND_IN_PREFIX, offlineStandIn } from "../../config/secrets";

export interface StackConfig {
  config: Record<string, string>;
  secretKeys: string[];
}

/** What every secret value starts with in the offline synth (see `offlineStandIn`). */
export const SECRET_PLACEHOLDER = OFFLINE_STAND_IN_PREFIX;

function isSecure(v: unknown): v is { secure: string } {
  return (
    typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v
  );
}

/** Replaces `{ secure: ... }` leaves with a stand-in for `key`; reports whether any were found. */
function replaceSecure(key: string, v: unknown, found: { any: boolean }): unknown {
  if (isSecure(v)) {
    found.any = true;
    return offlineStandIn(key);
  }
  if (Array.isArray(v)) return v.map((x) => replaceSecure(key, x, found));
  if (typeof v === "object" && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceSecure(key, x, found)]));
  return v;
}

/** The top-level keys of a Pulumi stack file. */
const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

/** A stack file that is missing or unreadable as stack config: a user error, reported in one line. */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

/** Parses stack file text. Throws a one-line {@link StackFileError} with the file name on malformed YAML. */
export function parseStackConfig(text: string, file: string): StackConfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    // The yaml library's message is "<what> at line L, column C:" followed by a code frame.
    const first = (e as Error).message.split("\n")[0].replace(/:\s*$/, "");
    throw new StackFileError(`${file}: not valid YAML: ${first}`);
  }
  // A file that is not a stack file (a project file, any other YAML): said as such, not as missing keys.
  const map = typeof doc === "object" && doc !== null && !Array.isArray(doc) ? doc : undefined;
  if (doc !== null && doc !== undefined && map === undefined)
    throw new StackFileError(`${file}: not a stack file (a YAML map with a "config" section is expected)`);
  const others = map ? Object.keys(map).filter((k) => !STACK_FILE_KEYS.includes(k)) : [];
  if (map && !("config" in map) && others.length > 0)
    throw new StackFileError(
      `${file}: not a stack file: no "config" section, and top-level keys a stack file does not have ` +
        `(${others.join(", ")}${others.includes("runtime") ? ": a project file?" : ""}); a stack file holds ${STACK_FILE_KEYS.join(", ")}`,
    );
  const cfg = (doc as { config?: unknown } | null)?.config ?? {};
  if (typeof cfg !== "object" || cfg === null || Array.isArray(cfg))
    throw new StackFileError(`${file}: "config" must be a map`);
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(cfg as Record<string, unknown>)) {
    const found = { any: false };
    const v = replaceSecure(key, value, found);
    config[key] = typeof v === "string" ? v : JSON.stringify(v);
    if (found.any) secretKeys.push(key);
  }
  return { config, secretKeys };
}

export function stackFilePath(root: string, stack: string): string {
  return path.join(root, "stacks", `Pulumi.${stack}.yaml`);
}

/** Reads and parses a stack file; a missing or unreadable file is a {@link StackFileError}. */
export function readStackConfig(file: string): StackConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new StackFileError(
      code === "ENOENT" ? `${file} does not exist` : `${file}: cannot be read (${code ?? String(e)})`,
    );
  }
  return parseStackConfig(text, file);
}

/**
 * Stack names that have a file in `<root>/stacks`; none when there is no such directory (the installed package
 * ships no stacks: its CLIs then read `--config-file`).
 */
export function listStacks(root: string): string[] {
  const dir = path.join(root, "stacks");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** A stack file's config as the program's {@link ConfigSource} (what the Pulumi CLI would hand it). */
export function stackConfigSource(sc: StackConfig, project: string, stack: string): ConfigSource {
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const otherKeys: string[] = [];
  for (const [k, v] of Object.entries(sc.config)) {
    if (!k.startsWith(`${NAMESPACE}:`)) {
      otherKeys.push(k);
      continue;
    }
    const short = k.slice(NAMESPACE.length + 1);
    values[short] = v;
    if (sc.secretKeys.includes(k)) secretKeys.add(short);
  }
  return { project, stack, values, secretKeys, otherKeys };
}

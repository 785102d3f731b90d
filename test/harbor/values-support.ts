/** Shared by the Harbor values tests: the chart key fixture, key paths and values per profile. */
import * as fs from "fs";
import * as path from "path";
import { HarborArgs, harborValues, HarborValues, resolveHarborArgs } from "../../components/harbor";
import { ProfileName, profileArgs } from "./profiles";

export const FIXTURE = path.join(
  __dirname,
  "..",
  "..",
  "..",
  "test",
  "fixtures",
  "harbor",
  "values-keys.json",
);
export const chartKeys = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as {
  source: string;
  version: string;
  keys: string[];
  commentedKeys: string[];
  openMaps: string[];
};
export const KNOWN = new Set([...chartKeys.keys, ...chartKeys.commentedKeys]);
export const OPEN = new Set(chartKeys.openMaps);

/** Every key path we set, stopping at free-form maps and at arrays (whole values). */
export function keyPaths(v: unknown, prefix = ""): string[] {
  if (typeof v !== "object" || v === null || Array.isArray(v) || (prefix !== "" && OPEN.has(prefix)))
    return [];
  return Object.entries(v).flatMap(([k, x]) => {
    const p = prefix === "" ? k : `${prefix}.${k}`;
    return [p, ...keyPaths(x, p)];
  });
}

export const DB_PASSWORD = "generated-internal-db-password";

export function valuesOf(
  profile: ProfileName,
  change: (a: HarborArgs) => HarborArgs = (a) => a,
): HarborValues {
  return harborValues(resolveHarborArgs("harbor", change(profileArgs(profile))), {
    internalDatabasePassword: DB_PASSWORD,
  });
}

export const DEPLOYMENTS = ["core", "portal", "jobservice", "registry"] as const;

/**
 * A chart as real `helm template` renders it with given values, for the real-tool tests that read what a pinned
 * chart makes of the values the program registers.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { parseAllDocuments } from "yaml";

type KObj = any;

/**
 * The objects `helm template <release> <archive> --namespace <namespace> -f <valuesFile> [...extraArgs]` renders,
 * `values` written to `valuesFile` first (empty documents left out).
 */
export function helmTemplate(o: {
  helmBin: string;
  release: string;
  archive: string;
  namespace: string;
  values: unknown;
  valuesFile: string;
  extraArgs?: string[];
}): KObj[] {
  fs.writeFileSync(o.valuesFile, JSON.stringify(o.values));
  const out = execFileSync(
    o.helmBin,
    [
      ...["template", o.release, o.archive, "--namespace", o.namespace],
      ...(o.extraArgs ?? []),
      ...["-f", o.valuesFile],
    ],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  return parseAllDocuments(out)
    .map((d) => d.toJS())
    .filter((x) => x !== null && typeof x === "object");
}

/**
 * Offline stand-ins for the secret keys a stack requires but does not hold. Apart from ./stackfile.ts, which
 * reads stack files without loading the config parser (and with it the Pulumi SDK): the synth CLI answers a
 * wrong stack name or a malformed file at once.
 */
import { NAMESPACE } from "../../config/namespace";
import { parsePlatformConfig } from "../../config/parse";
import { isOfflineStandIn, offlineStandIn } from "../../config/secrets";
import { StackConfig, stackConfigSource } from "./stackfile";

/**
 * The offline synth's view of a stack: every secret key the config requires but does not hold (the example
 * stacks hold none — they are set per deployment with `pulumi config set --secret`) gets a deterministic,
 * clearly marked stand-in value (`offline-synth-stand-in-for-<key>`), so the synth runs without secrets.
 * Only the mock engine accepts stand-ins; a real `pulumi preview` lists the commands to set the secrets.
 * `standIns` names every key whose value is a stand-in (including `secure:` values, which cannot be
 * decrypted offline).
 */
export function withOfflineStandIns(
  sc: StackConfig,
  project: string,
  stack: string,
): { stackConfig: StackConfig; standIns: string[] } {
  const r = parsePlatformConfig({ ...stackConfigSource(sc, project, stack), allowStandIns: true });
  const config = { ...sc.config };
  const secretKeys = [...sc.secretKeys];
  if (!r.ok)
    for (const i of r.issues) {
      if (!i.missingSecret) continue;
      const full = `${NAMESPACE}:${i.missingSecret}`;
      config[full] = offlineStandIn(full);
      if (!secretKeys.includes(full)) secretKeys.push(full);
    }
  const standIns = Object.keys(config)
    .filter((k) => isOfflineStandIn(config[k]))
    .sort();
  return { stackConfig: { config, secretKeys }, standIns };
}

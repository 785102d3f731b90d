/**
 * Checksum annotations for pods that read Secret or ConfigMap data at start. With the kubernetes provider's
 * `enableSecretMutable` / `enableConfigMapMutable` the objects update in place, so nothing else would make
 * such pods restart: a pod-template annotation holding a checksum of the data does (a changed annotation is a
 * new pod template, so the workload rolls).
 *
 * The checksum of secret data is an HMAC-SHA256 keyed with a generated secret (a `RandomPassword` kept in
 * state): it changes whenever the data changes, yet reveals nothing about the data to anyone who can read
 * the pod (a plain sha256 of a short password could be guessed offline). It is therefore not a secret
 * itself and is shown in previews, so a reviewer sees which pods will roll.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as random from "@pulumi/random";
import { createHmac } from "crypto";

/** The checksum key: 32 alphanumeric characters (about 190 bits). */
export const CHECKSUM_KEY_ARGS: random.RandomPasswordArgs = { length: 32, special: false };

/**
 * HMAC-SHA256 (hex) of named data entries, independent of their order. Each name and value is
 * length-prefixed, so no two different entry sets encode alike.
 */
export function dataChecksum(key: string, data: Readonly<Record<string, string>>): string {
  if (key.length === 0) throw new Error("dataChecksum: the key must not be empty");
  const h = createHmac("sha256", key);
  for (const name of Object.keys(data).sort()) {
    for (const part of [name, data[name]]) {
      const bytes = Buffer.from(part, "utf8");
      h.update(`${bytes.length}:`);
      h.update(bytes);
    }
  }
  return h.digest("hex");
}

/** {@link dataChecksum} of Inputs; the result is NOT secret (see the module comment). */
export function checksumOf(
  key: pulumi.Input<string>,
  data: Record<string, pulumi.Input<string>>,
): pulumi.Output<string> {
  return pulumi.unsecret(pulumi.all([key, pulumi.all(data)]).apply(([k, d]) => dataChecksum(k, d)));
}

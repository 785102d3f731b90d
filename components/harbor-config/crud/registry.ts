/**
 * `harbor:Registry`: an upstream registry endpoint (for proxy-cache projects; replication can reuse it).
 * Identity: the endpoint name. An existing endpoint of that name and type is adopted and converged.
 *
 * What Harbor (v2.15.2, observed) does that this code accounts for:
 * - it stores the URL normalized ({@link normalizeRegistryUrl}): URLs are sent and compared in that form;
 * - it pings the endpoint on create and on every update and refuses an unreachable one
 *   (`400 the registry is unhealthy`): the error says so;
 * - it omits `insecure: false`, masks the access secret, returns `ca_certificate`: `read` reports what Harbor
 *   holds (the secret itself cannot be read back; a removed one is seen);
 * - it keeps a credential field that an update leaves out: updates always send all of them, empty to clear.
 */
import { HARBOR_KIND } from "../kinds";
import { HarborClient, hasStatus } from "../client";
import { normalizeRegistryUrl, registryCreateBody, registryUpdateBody, RegistrySettings } from "../payloads";
import { BaseInputs, Crud, diffInputs, idFromLocation } from "./common";

export interface RegistryInputs extends BaseInputs, RegistrySettings {}

export interface RegistryOutputs extends RegistryInputs {
  registryId: number;
  adopted: boolean;
}

interface HarborRegistry {
  id: number;
  name: string;
  type?: string;
  url?: string;
  description?: string;
  insecure?: boolean;
  ca_certificate?: string;
  credential?: { type?: string; access_key?: string; access_secret?: string };
}

export async function findRegistry(client: HarborClient, name: string): Promise<HarborRegistry | undefined> {
  const all = await client.listAll<HarborRegistry>("/registries", { q: `name=${name}` });
  return all.find((r) => r.name === name);
}

/** An empty or whitespace-only PEM is no certificate. */
function pemOrUndefined(pem: string | undefined): string | undefined {
  return typeof pem === "string" && pem.trim() !== "" ? pem : undefined;
}

function settingsOf(i: RegistryInputs): RegistrySettings {
  const caCertificate = pemOrUndefined(i.caCertificate);
  return {
    name: i.name,
    type: i.type,
    url: i.url,
    description: i.description,
    insecure: i.insecure,
    ...(caCertificate ? { caCertificate } : {}),
    ...(i.accessKey ? { accessKey: i.accessKey, accessSecret: i.accessSecret } : {}),
  };
}

/** The fields as Harbor compares them: normalized URL, trimmed PEM, empty credentials = none. */
function comparable<T extends RegistryInputs>(i: T): T {
  const withKey = typeof i.accessKey === "string" && i.accessKey !== "";
  return {
    ...i,
    url: typeof i.url === "string" ? normalizeRegistryUrl(i.url) : i.url,
    insecure: i.insecure === true,
    caCertificate: pemOrUndefined(i.caCertificate)?.trim(),
    accessKey: withKey ? i.accessKey : undefined,
    accessSecret: withKey ? i.accessSecret : undefined,
  };
}

/** Runs a create/update; an unreachable upstream gets an error that explains Harbor's ping. */
async function pinged<T>(s: RegistrySettings, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (e) {
    if (hasStatus(e, 400) && /unhealthy/i.test(e.harborMessage)) {
      throw new Error(
        `${e.message}. Harbor pings an endpoint when it is created or changed and refuses it when the ` +
          `upstream does not answer: registry endpoint "${s.name}" (${s.type}, ` +
          `${normalizeRegistryUrl(s.url)}) must be reachable from Harbor core when the update runs (DNS, ` +
          `egress NetworkPolicy, an HTTP(S) proxy for core, the upstream's TLS certificate or caCertificate), ` +
          `so a proxy cache of an upstream that cannot be reached now fails the update; fix the reachability ` +
          `and run it again, or remove the proxy cache until then`,
      );
    }
    throw e;
  }
}

export const registryCrud: Crud<RegistryInputs, RegistryOutputs> = {
  kind: HARBOR_KIND.registry,

  diff(olds, news) {
    return diffInputs<RegistryInputs>(
      comparable(olds),
      comparable(news),
      ["name", "url", "description", "insecure", "caCertificate", "accessKey", "accessSecret"],
      ["type"],
    );
  },

  async create(client, inputs) {
    const s = settingsOf(inputs);
    const lookup = () => findRegistry(client, s.name);
    const { value, outcome } = await client.createGuarded<HarborRegistry>(
      `registry endpoint ${s.name}`,
      async () => {
        const r = await pinged(s, () =>
          client.request({ method: "POST", path: "/registries", body: registryCreateBody(s) }),
        );
        const id = idFromLocation(r.headers.location);
        const found = id !== undefined ? { id, name: s.name } : await lookup();
        if (!found) throw new Error(`registry endpoint "${s.name}" was created but cannot be found`);
        return found;
      },
      lookup,
    );
    if (outcome !== "created") {
      if (value.type !== undefined && value.type !== s.type) {
        throw new Error(
          `Harbor registry endpoint "${s.name}" already exists with type ${value.type}, not ${s.type}; ` +
            `Harbor cannot change an endpoint's type: rename the configured endpoint or delete the existing one`,
        );
      }
      await pinged(s, () =>
        client.request({ method: "PUT", path: `/registries/${value.id}`, body: registryUpdateBody(s) }),
      );
    }
    return {
      id: String(value.id),
      outs: { ...inputs, registryId: value.id, adopted: outcome === "existing" },
    };
  },

  async read(client, id, props) {
    const r = await client.find<HarborRegistry>(`/registries/${Number(id)}`);
    if (!r) return {};
    const url = typeof r.url === "string" ? r.url : props.url;
    const ca = pemOrUndefined(r.ca_certificate);
    const key = r.credential?.access_key ? r.credential.access_key : undefined;
    // Harbor masks the secret ("*****"): the state keeps the one it knows while Harbor holds one.
    const hasSecret = typeof r.credential?.access_secret === "string" && r.credential.access_secret !== "";
    return {
      id,
      props: {
        ...props,
        name: r.name,
        // The declared spelling when Harbor holds its normalized form: a refresh shows only real changes.
        url: normalizeRegistryUrl(props.url ?? "") === url ? props.url : url,
        description: r.description ?? "",
        insecure: r.insecure === true,
        caCertificate:
          ca !== undefined && ca.trim() === props.caCertificate?.trim() ? props.caCertificate : ca,
        accessKey: key,
        accessSecret: key !== undefined && hasSecret ? props.accessSecret : undefined,
      },
    };
  },

  async update(client, id, olds, news) {
    const s = settingsOf(news);
    await pinged(s, () =>
      client.request({ method: "PUT", path: `/registries/${Number(id)}`, body: registryUpdateBody(s) }),
    );
    return { outs: { ...news, registryId: Number(id), adopted: olds.adopted } };
  },

  async delete(client, id) {
    await client.deleteIfExists(`/registries/${Number(id)}`);
  },
};

/**
 * `harbor:Registry`: an upstream registry endpoint (for proxy-cache projects; replication can reuse it).
 * Identity: the endpoint name. An existing endpoint of that name and type is adopted and converged.
 */
import { HarborClient } from "../client";
import { registryCreateBody, registryUpdateBody, RegistrySettings } from "../payloads";
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
}

export async function findRegistry(client: HarborClient, name: string): Promise<HarborRegistry | undefined> {
  const all = await client.listAll<HarborRegistry>("/registries", { q: `name=${name}` });
  return all.find((r) => r.name === name);
}

function settingsOf(i: RegistryInputs): RegistrySettings {
  return {
    name: i.name,
    type: i.type,
    url: i.url,
    description: i.description,
    insecure: i.insecure,
    ...(i.caCertificate ? { caCertificate: i.caCertificate } : {}),
    ...(i.accessKey ? { accessKey: i.accessKey, accessSecret: i.accessSecret } : {}),
  };
}

export const registryCrud: Crud<RegistryInputs, RegistryOutputs> = {
  kind: "harbor:Registry",

  diff(olds, news) {
    return diffInputs<RegistryInputs>(
      olds,
      news,
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
        const r = await client.request({ method: "POST", path: "/registries", body: registryCreateBody(s) });
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
      await client.request({ method: "PUT", path: `/registries/${value.id}`, body: registryUpdateBody(s) });
    }
    return {
      id: String(value.id),
      outs: { ...inputs, registryId: value.id, adopted: outcome === "existing" },
    };
  },

  async read(client, id, props) {
    const r = await client.find<HarborRegistry & { description?: string; insecure?: boolean }>(
      `/registries/${Number(id)}`,
    );
    if (!r) return {};
    return {
      id,
      props: {
        ...props,
        name: r.name,
        url: r.url ?? props.url,
        description: r.description ?? props.description,
        insecure: r.insecure ?? props.insecure,
      },
    };
  },

  async update(client, id, olds, news) {
    await client.request({
      method: "PUT",
      path: `/registries/${Number(id)}`,
      body: registryUpdateBody(settingsOf(news)),
    });
    return { outs: { ...news, registryId: Number(id), adopted: olds.adopted } };
  },

  async delete(client, id) {
    await client.deleteIfExists(`/registries/${Number(id)}`);
  },
};

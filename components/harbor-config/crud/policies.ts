/**
 * Project policies.
 *
 * `harbor:ImmutableTagRule`: identity = project + tag pattern + repository pattern; an existing rule with the
 * same selectors is adopted.
 *
 * `harbor:RetentionPolicy`: Harbor binds at most one retention policy to a project (project metadata
 * `retention_id`) and refuses a second one, so an existing policy is always adopted and overwritten. Delete
 * empties the policy (no rules, no schedule) instead of removing it: Harbor's policy delete leaves the
 * project's `retention_id` behind, which would block a later create.
 */
import { HARBOR_KIND } from "../kinds";
import { HarborClient } from "../client";
import {
  immutableRuleBody,
  retentionDisabledBody,
  retentionPolicyBody,
  RetentionRule,
  retentionRules,
  RetentionSettings,
  retentionSettingsOf,
  sameRetentionRules,
} from "../payloads";
import { BaseInputs, BY_NAME, Crud, diffInputs, idFromLocation, seg } from "./common";
import { findProject, requireProject } from "./project";

// ── immutable tag rules ───────────────────────────────────────────────────────────────────────────────────

export interface ImmutableRuleInputs extends BaseInputs {
  project: string;
  /** Doublestar tag pattern, e.g. the exact semver release pattern. */
  tagPattern: string;
  /** Doublestar repository pattern. Default `**`. */
  repoPattern: string;
  disabled: boolean;
}

export interface ImmutableRuleOutputs extends ImmutableRuleInputs {
  ruleId: number;
  adopted: boolean;
  /**
   * The selectors' decorations Harbor holds when they are not `matches` / `repoMatches` (a rule switched to
   * "excluding" in Harbor's UI, read by a refresh): a change, the update restores the declared rule.
   */
  heldDecorations?: string;
}

interface HarborSelector {
  kind?: string;
  decoration?: string;
  pattern?: string;
}

interface HarborImmutableRule {
  id: number;
  disabled?: boolean;
  tag_selectors?: HarborSelector[];
  scope_selectors?: Record<string, HarborSelector[] | undefined>;
}

function rulesPath(project: string): string {
  return `/projects/${seg(project)}/immutabletagrules`;
}

function sameSelectors(r: HarborImmutableRule, tagPattern: string, repoPattern: string): boolean {
  const tag = r.tag_selectors?.[0];
  const repo = r.scope_selectors?.repository?.[0];
  return (
    tag?.decoration === "matches" &&
    tag.pattern === tagPattern &&
    repo?.decoration === "repoMatches" &&
    repo.pattern === repoPattern
  );
}

async function listRules(client: HarborClient, project: string): Promise<HarborImmutableRule[] | undefined> {
  if (!(await findProject(client, project))) return undefined;
  return client.listAll<HarborImmutableRule>(rulesPath(project), {}, BY_NAME);
}

export const immutableRuleCrud: Crud<ImmutableRuleInputs, ImmutableRuleOutputs> = {
  kind: HARBOR_KIND.immutableRule,

  diff(olds, news) {
    const d = diffInputs<ImmutableRuleInputs>(
      olds,
      news,
      ["tagPattern", "repoPattern", "disabled"],
      ["project"],
    );
    return { ...d, changes: d.changes || olds.heldDecorations !== undefined };
  },

  async create(client, inputs) {
    await requireProject(client, inputs.project);
    const lookup = async () => {
      const rules = (await listRules(client, inputs.project)) ?? [];
      return rules.find((r) => sameSelectors(r, inputs.tagPattern, inputs.repoPattern));
    };
    const body = immutableRuleBody(inputs.tagPattern, inputs.repoPattern, inputs.disabled);
    const existing = await lookup();
    let rule: HarborImmutableRule;
    let adopted = false;
    if (existing) {
      rule = existing;
      adopted = true;
      // Harbor omits `disabled: false` (v2.15.2, observed): absent means enabled.
      if ((existing.disabled === true) !== inputs.disabled) {
        await client.request({
          method: "PUT",
          path: `${rulesPath(inputs.project)}/${existing.id}`,
          headers: BY_NAME,
          body: { id: existing.id, ...body },
        });
      }
    } else {
      const res = await client.createGuarded<HarborImmutableRule>(
        `immutable tag rule ${inputs.tagPattern} in ${inputs.project}`,
        async () => {
          const r = await client.request({
            method: "POST",
            path: rulesPath(inputs.project),
            headers: BY_NAME,
            body,
          });
          const id = idFromLocation(r.headers.location);
          const found = id !== undefined ? { id } : await lookup();
          if (!found)
            throw new Error(`immutable tag rule in "${inputs.project}" was created but cannot be found`);
          return found;
        },
        lookup,
      );
      rule = res.value;
    }
    return { id: String(rule.id), outs: { ...inputs, ruleId: rule.id, adopted } };
  },

  async read(client, id, props) {
    const rules = await listRules(client, props.project);
    const r = rules?.find((x) => x.id === Number(id));
    if (!r) return {};
    const tag = r.tag_selectors?.[0]?.decoration ?? "matches";
    const repo = r.scope_selectors?.repository?.[0]?.decoration ?? "repoMatches";
    const { heldDecorations: _held, ...rest } = props;
    return {
      id,
      props: {
        ...rest,
        ...(tag !== "matches" || repo !== "repoMatches" ? { heldDecorations: `${tag}/${repo}` } : {}),
        disabled: r.disabled === true,
        tagPattern: r.tag_selectors?.[0]?.pattern ?? props.tagPattern,
        repoPattern: r.scope_selectors?.repository?.[0]?.pattern ?? props.repoPattern,
      },
    };
  },

  async update(client, id, olds, news) {
    const ruleId = Number(id);
    await client.request({
      method: "PUT",
      path: `${rulesPath(news.project)}/${ruleId}`,
      headers: BY_NAME,
      body: { id: ruleId, ...immutableRuleBody(news.tagPattern, news.repoPattern, news.disabled) },
    });
    return { outs: { ...news, ruleId, adopted: olds.adopted } };
  },

  async delete(client, id, props) {
    const rules = await listRules(client, props.project);
    if (!rules?.some((r) => r.id === Number(id))) return;
    await client.deleteIfExists(`${rulesPath(props.project)}/${Number(id)}`, BY_NAME);
  },
};

// ── tag retention ─────────────────────────────────────────────────────────────────────────────────────────

export interface RetentionInputs extends BaseInputs, RetentionSettings {
  project: string;
  /**
   * The project's release tags are immutable: releases are retained `always` instead of "the latest N"
   * (Harbor's retention never deletes immutable artifacts; see `retentionRules`). Default false.
   */
  releasesImmutable?: boolean;
}

export interface RetentionOutputs extends RetentionInputs {
  projectId: number;
  retentionId: number;
  /** The rules Harbor holds (after a refresh) or was sent; compared whole with the declared ones by `diff`. */
  rules?: RetentionRule[];
  adopted: boolean;
}

function settingsOf(i: RetentionInputs): RetentionSettings {
  return {
    keepLatestReleases: i.keepLatestReleases,
    buildTagDays: i.buildTagDays,
    schedule: i.schedule,
    foreverTags: i.foreverTags,
  };
}

function declaredRules(i: RetentionInputs): RetentionRule[] {
  return retentionRules(settingsOf(i), i.releasesImmutable === true);
}

function boundRetentionId(p: { metadata?: Record<string, string> } | undefined): number | undefined {
  const raw = p?.metadata?.retention_id;
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

export const retentionCrud: Crud<RetentionInputs, RetentionOutputs> = {
  kind: HARBOR_KIND.retention,

  diff(olds, news) {
    const base = diffInputs<RetentionInputs>(
      { ...olds, releasesImmutable: olds.releasesImmutable === true },
      { ...news, releasesImmutable: news.releasesImmutable === true },
      ["keepLatestReleases", "buildTagDays", "schedule", "foreverTags", "releasesImmutable"],
      ["project"],
    );
    // The whole rule list Harbor holds (refreshed into `rules`) against the declared one: an edit made in
    // Harbor's UI that the readable fields do not show is still a change.
    const rulesDrift = Array.isArray(olds.rules) && !sameRetentionRules(olds.rules, declaredRules(news));
    return { ...base, changes: base.changes || rulesDrift };
  },

  async create(client, inputs) {
    const project = await requireProject(client, inputs.project);
    const projectId = project.project_id;
    const body = retentionPolicyBody(projectId, settingsOf(inputs), inputs.releasesImmutable === true);
    const put = (id: number) => client.request({ method: "PUT", path: `/retentions/${id}`, body });
    const rules = declaredRules(inputs);

    // Harbor binds one policy per project; proxy-cache projects get one when they are created.
    const bound = boundRetentionId(project);
    if (bound !== undefined && (await client.find(`/retentions/${bound}`)) !== undefined) {
      await put(bound);
      return { id: String(bound), outs: { ...inputs, projectId, retentionId: bound, rules, adopted: true } };
    }
    if (bound !== undefined) {
      // The project points at a policy that no longer exists: unbind it so that Harbor accepts a new one.
      await client.request({
        method: "DELETE",
        path: `/projects/${projectId}/metadatas/retention_id`,
        accept: [404],
      });
    }
    const lookup = async () => {
      const id = boundRetentionId(await findProject(client, projectId));
      return id === undefined ? undefined : { id };
    };
    const { value, outcome } = await client.createGuarded<{ id: number }>(
      `retention policy of ${inputs.project}`,
      async () => {
        const r = await client.request({ method: "POST", path: "/retentions", body });
        const id = idFromLocation(r.headers.location);
        const found = id !== undefined ? { id } : await lookup();
        if (!found)
          throw new Error(`retention policy of "${inputs.project}" was created but cannot be found`);
        return found;
      },
      lookup,
    );
    if (outcome !== "created") await put(value.id);
    return {
      id: String(value.id),
      outs: { ...inputs, projectId, retentionId: value.id, rules, adopted: false },
    };
  },

  async read(client, id, props) {
    const policy = await client.find<{ rules?: RetentionRule[]; trigger?: { settings?: { cron?: string } } }>(
      `/retentions/${Number(id)}`,
    );
    if (!policy || !Array.isArray(policy.rules) || policy.rules.length === 0) return {};
    const cron = policy.trigger?.settings?.cron;
    const held = policy.rules.map((r) => ({
      disabled: r.disabled === true,
      action: r.action,
      template: r.template,
      params: r.params ?? {},
      tag_selectors: r.tag_selectors ?? [],
      scope_selectors: r.scope_selectors ?? { repository: [] },
    }));
    return {
      id,
      props: {
        ...props,
        ...retentionSettingsOf(held),
        schedule: typeof cron === "string" ? cron : props.schedule,
        // The declared rules when Harbor holds the same ones (its ids and order are no change).
        rules: sameRetentionRules(held, declaredRules(props)) ? declaredRules(props) : held,
      },
    };
  },

  async update(client, id, olds, news) {
    const retentionId = Number(id);
    await client.request({
      method: "PUT",
      path: `/retentions/${retentionId}`,
      body: retentionPolicyBody(olds.projectId, settingsOf(news), news.releasesImmutable === true),
    });
    return {
      outs: {
        ...news,
        projectId: olds.projectId,
        retentionId,
        rules: declaredRules(news),
        adopted: olds.adopted,
      },
    };
  },

  async delete(client, id, props) {
    const project = await findProject(client, props.projectId);
    if (!project || boundRetentionId(project) !== Number(id)) return;
    await client.request({
      method: "PUT",
      path: `/retentions/${Number(id)}`,
      body: retentionDisabledBody(props.projectId),
      accept: [404],
    });
  },
};

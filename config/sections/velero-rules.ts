/**
 * The rules of `registry-platform:velero` that span keys: the drill image against the tag retention of the
 * project it lives in, and Velero's archive location (the storage's archive prefix).
 */
import { DEFAULT_PREFIX as VELERO_PREFIX, overlapsDefaultPrefix } from "../../components/velero/schedules";
import { keyPath } from "../errors";
import type { PlatformConfig } from "../parse";

interface Issue {
  path: PropertyKey[];
  found: unknown;
  allowed: string;
}

const issue = (path: PropertyKey[], found: unknown, allowed: string): Issue => ({ path, found, allowed });

/** Channel tags the Harbor projects' tag retention keeps forever (HarborConfig's default `foreverTags`). */
const RETAINED_CHANNEL_TAGS = ["stable", "lts"];

/** `host/p/name:tag` → [`host/p/name`, `tag`]; no tag → [ref, undefined] (a `:port` is not a tag). */
function splitImageTag(ref: string): [string, string | undefined] {
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  return colon > slash ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, undefined];
}

/** Problems of the Velero config that involve other sections, as `{ path, found, allowed }`. */
export function veleroIssues(c: PlatformConfig): Issue[] {
  const v = c.velero;
  const hc = c.harborConfig;
  const tls = c.tls;
  const out: Issue[] = [];
  if (!v.enabled && v.drillCronJob)
    out.push(issue(["velero", "drillCronJob"], true, "false (or unset) when velero.enabled is false"));
  if (v.enabled && v.drillCronJob && !v.drillImage)
    out.push(
      issue(
        ["velero", "drillImage"],
        undefined,
        "an image pinned by digest when velero.drillCronJob is true",
      ),
    );
  // A drill image in a project of this registry must carry a tag that project's tag retention keeps, or the
  // nightly run deletes it and the quarterly drill cannot pull its image.
  if (v.enabled && v.drillImage && hc.enabled) {
    const [name, tag] = splitImageTag(v.drillImage.split("@")[0]);
    const [registry, project] = name.split("/");
    const host = registry.replace(/:443$/, "");
    const i = hc.projects.findIndex((p) => p.name === project);
    const p = hc.projects[i];
    if ((host === c.host || tls.extraSans.includes(host)) && p?.tagRetention && tag !== undefined) {
      const release = p.immutableReleaseTags ? /^v\d{1,3}\.\d{1,3}\.\d{1,3}$/ : /^v\d{1,3}\.0\.0$/;
      if (!release.test(tag) && !RETAINED_CHANNEL_TAGS.includes(tag))
        out.push(
          issue(
            ["velero", "drillImage"],
            v.drillImage,
            `a tag the tag retention of project "${project}" keeps (${p.immutableReleaseTags ? "vX.Y.Z" : "vX.0.0"}, ${RETAINED_CHANNEL_TAGS.join(", ")}): its nightly run deletes an artifact tagged "${tag}", and the drill could no longer pull its image; or set ${keyPath(["harborConfig", "projects", i, "tagRetention"])} to false`,
          ),
        );
    }
  }
  // Velero's archive location is the storage's archive prefix: it must be a prefix of its own, and its objects
  // must stay instantly readable (kopia opens the repository, reading its format and index blobs, at every
  // backup and restore; a GLACIER/DEEP_ARCHIVE object needs an S3 restore request first).
  if (v.enabled && overlapsDefaultPrefix(c.storage.archive.prefix))
    out.push(
      issue(
        ["storage", "archive", "prefix"],
        c.storage.archive.prefix,
        `a prefix outside ${VELERO_PREFIX}/ (Velero's default backup location), such as archive/`,
      ),
    );
  const archiveClass = c.storage.archive.storageClass;
  if (
    v.enabled &&
    c.storage.provider === "aws" &&
    (archiveClass === "GLACIER" || archiveClass === "DEEP_ARCHIVE")
  )
    out.push(
      issue(
        ["storage", "archive", "storageClass"],
        archiveClass,
        `an instant-read class (GLACIER_IR, STANDARD_IA, ONEZONE_IA) while velero.enabled is true: Velero's monthly backups and restores read the archive location (kopia opens its repository each time), and ${archiveClass} objects need an S3 restore first`,
      ),
    );
  return out;
}

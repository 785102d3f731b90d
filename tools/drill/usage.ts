/**
 * The drill CLI's usage text, in a module of its own: `registry-platform-drill --help` prints it without loading
 * the CLI, whose config checks load the Pulumi SDK (~1 s; tools/run.ts).
 */
import { DEFAULT_DRILL_OPTIONS } from "./drill";

export const USAGE = `usage: drill --stack <name> [--backup <name>] [--keep]
             [--velero-namespace <ns>] [--harbor-namespace <ns>] [--context <name>] [--in-cluster]
             [--restore-timeout 30m] [--ready-timeout 20m] [--poll-interval 10s]
             [--core-service ${DEFAULT_DRILL_OPTIONS.coreService}] [--admin-secret ${DEFAULT_DRILL_OPTIONS.adminSecret}] [--admin-secret-key ${DEFAULT_DRILL_OPTIONS.adminSecretKey}]
             [--max-artifact-drift 0] [--json] [--out <dir>]`;

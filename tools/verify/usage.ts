/**
 * The verify CLI's usage text, in a module of its own: `registry-platform-verify --help` prints it without
 * loading the CLI, which loads the Pulumi SDK (~1 s; tools/run.ts).
 */

export const USAGE = `usage: verify (--stack <name> | --outputs <file>) [options]
  --stack <name>          read outputs with \`pulumi stack output --json --show-secrets --stack <name>\`
  --outputs <file>        read outputs from a file holding that JSON instead
  --stack-file <path>     the stack's config (default: stacks/Pulumi.<last part of --stack>.yaml)
  --json                  print the results as JSON instead of a checklist
  --timeout <seconds>     per check (default 30)
  --min-days <n>          every certificate of the served chain must be valid this many more days (default 14)
  --backup-grace <hours>  slack on top of a schedule's period for a backup to finish (default 6)
  --skip <ids>            comma-separated check ids or kinds to skip (tls, harbor-health, robot, bucket, velero)
  --context <name>        kubeconfig context for the Velero checks
exit status: 0 every check passed, 1 a check failed, 2 unreadable outputs/config, 64 bad arguments`;

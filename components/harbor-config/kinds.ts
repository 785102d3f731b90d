/**
 * The `kind` of each Harbor resource: the resource classes register it (`./dynamic.ts`,
 * `components/replication/harbor/resources.ts`) and the provider dispatches on it (`./provider.ts`). Kept apart
 * from the CRUD modules so a program registers Harbor resources without loading the API client, which only the
 * engine's provider process runs.
 */
export const HARBOR_KIND = {
  project: "harbor:Project",
  robot: "harbor:RobotAccount",
  immutableRule: "harbor:ImmutableTagRule",
  retention: "harbor:RetentionPolicy",
  gc: "harbor:GcSchedule",
  purgeAudit: "harbor:PurgeAuditSchedule",
  auditForwarding: "harbor:AuditLogForwarding",
  registry: "harbor:Registry",
  systemRobot: "harbor:SystemRobotAccount",
  replicationPolicy: "harbor:ReplicationPolicy",
} as const;

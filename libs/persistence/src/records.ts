/**
 * What repositories hand out: libs/domain's types, never the generated Prisma rows. Rows with a
 * JSON column (or a column the database types loosely) are mapped here, parsing that column
 * once with the domain's schema; the other rows already have the domain's shape.
 */
export type {
  User as UserRecord,
  ApiToken as ApiTokenRecord,
  Template as TemplateRecord,
  TemplateVersion as TemplateVersionRecord,
  Workspace as WorkspaceRecord,
  Build as BuildRecord,
  BuildLogLine as BuildLogRecord,
  SshKey as SshKeyRecord,
} from '#domain';

/** Postgres unique violation, as Prisma reports it. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

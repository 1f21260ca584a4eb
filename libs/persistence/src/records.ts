/**
 * Row types handed to services. Services may read them; controllers map them to response DTOs
 * and never return them as they are.
 */
export type {
  User as UserRecord,
  ApiToken as ApiTokenRecord,
  Template as TemplateRecord,
  TemplateVersion as TemplateVersionRecord,
  Workspace as WorkspaceRecord,
  Build as BuildRecord,
  BuildLog as BuildLogRecord,
  SshKey as SshKeyRecord,
} from './generated/client.js';
export { Prisma } from './generated/client.js';

/** Postgres unique violation, as Prisma reports it. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

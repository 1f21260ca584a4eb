import {
  buildStagesSchema,
  desiredStateSchema,
  homeLimitStateSchema,
  portSharesSchema,
  resolvedParametersSchema,
  workspacePortsSchema,
  type ApiToken,
  type Build,
  type BuildLogLine,
  type JsonValue,
  type SshKey,
  type Template,
  type TemplateVersion,
  type User,
  type Workspace,
} from '#domain';
import type * as rows from './generated/client.js';

/** Row → domain type, for the repositories only (index.ts does not export this file). */

export function toWorkspace(row: rows.Workspace): Workspace {
  return {
    ...row,
    parameters: resolvedParametersSchema.parse(row.parameters),
    desiredState: desiredStateSchema.parse(row.desiredState),
    ports: workspacePortsSchema.parse(row.ports),
    portShares: portSharesSchema.parse(row.portShares),
    homeUsageBytes: row.homeUsageBytes === null ? null : Number(row.homeUsageBytes),
    homeLimitState: row.homeLimitState === null ? null : homeLimitStateSchema.parse(row.homeLimitState),
  };
}

export const toBuild = (row: rows.Build): Build => ({ ...row, stages: buildStagesSchema.parse(row.stages) });

export const toBuildLogLine = ({ at, stream, line }: rows.BuildLog): BuildLogLine => ({ at, stream, line });

/** Rows whose shape is already the domain's (no JSON column to parse): checked by the compiler, not copied. */
export const toUser = (row: rows.User): User => row;
export const toApiToken = (row: rows.ApiToken): ApiToken => row;
export const toSshKey = (row: rows.SshKey): SshKey => row;
export const toTemplate = (row: rows.Template): Template => row;
export const toTemplateVersion = (row: rows.TemplateVersion): TemplateVersion => row;

/** Maps a nullable row. */
export const maybe =
  <R, T>(map: (row: R) => T) =>
  (row: R | null): T | null =>
    row === null ? null : map(row);

/** A domain JSON value as a JSON column takes it (the domain type also allows a top-level null). */
export const toJsonInput = (value: JsonValue): rows.Prisma.InputJsonValue => value as rows.Prisma.InputJsonValue;

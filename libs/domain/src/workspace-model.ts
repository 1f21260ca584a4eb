import { z } from 'zod';
import { type HomeLimitState } from './home-usage.js';
import { PORT_SHARES, type PortShare } from './template-spec.js';
import { type ResolvedParameters } from './template-parameter-values.js';
import { DESIRED_STATES, type DesiredState, type TransitionKind, type WorkspaceStatus } from './workspace-state.js';

/**
 * The workspace and its builds as the rest of Berth sees them. libs/persistence maps its rows to
 * these types, parsing each JSON column once with the schemas below, so no service casts a JSON
 * value and no Prisma type leaves the repository layer.
 */

export const BUILD_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type BuildStatus = (typeof BUILD_STATUSES)[number];
/** A build records one transition: its kind is the transition's. */
export type BuildKind = TransitionKind;

/** A port the runtime published for the workspace (and its name from the template). */
export const publishedPortSchema = z.object({
  port: z.number().int(),
  name: z.string(),
  /** Host port on 127.0.0.1. */
  hostPort: z.number().int(),
});
export type WorkspacePort = z.infer<typeof publishedPortSchema>;
export const workspacePortsSchema = z.array(publishedPortSchema);

/** Share level per forwarded port, keyed by the port number; an absent port is shared with its owner only. */
export const portSharesSchema = z.record(z.string(), z.enum(PORT_SHARES as [PortShare, ...PortShare[]]));
export type PortShares = Record<string, PortShare>;

/** The workspace's resolved template parameters (defaults filled), as stored at creation. */
export const resolvedParametersSchema = z.record(
  z.string(),
  z.union([z.number(), z.string(), z.record(z.string(), z.string())]),
);

/** Stage name → milliseconds, e.g. {"image": 12, "volume": 310, "start": 240}. */
export const buildStagesSchema = z.record(z.string(), z.number());
export type BuildStages = Record<string, number>;

export const desiredStateSchema = z.enum(DESIRED_STATES);

export const homeLimitStateSchema = z.enum(['ok', 'soft', 'hard']);

/** Any JSON value as stored (a template spec before it is parsed, an audit entry's details). */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };

export interface Workspace {
  id: string;
  name: string;
  ownerId: string;
  templateId: string;
  templateVersion: number;
  parameters: ResolvedParameters;
  status: WorkspaceStatus;
  desiredState: DesiredState;
  lastError: string | null;
  ports: WorkspacePort[];
  portShares: PortShares;
  volumePreparedAt: Date | null;
  initializedAt: Date | null;
  lastActivityAt: Date | null;
  /** Why Berth itself stopped it (e.g. idle); cleared by the next transition. */
  stopReason: string | null;
  dormantAt: Date | null;
  deletesAt: Date | null;
  deletedAt: Date | null;
  homeUsageBytes: number | null;
  homeUsageMeasuredAt: Date | null;
  homeLimitState: HomeLimitState | null;
  /** Trash: kept until then unless restored; a purge asked for; the volume removed (README "Your data"). */
  trashExpiresAt: Date | null;
  purgeRequestedAt: Date | null;
  purgedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Build {
  id: string;
  workspaceId: string;
  kind: BuildKind;
  status: BuildStatus;
  requestedById: string | null;
  templateVersion: number;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
  stages: BuildStages;
  reinitialize: boolean;
  /** restore: the snapshot put into the home; a clone's first start: the snapshot its home begins with. */
  snapshotId: string | null;
  cancelRequestedAt: Date | null;
  cancelRequestedById: string | null;
  /** Why Berth itself asked for this transition (idle stop, retention delete); null when a person did. */
  reason: string | null;
  error: string | null;
  errorCode: string | null;
}

export interface BuildLogLine {
  at: Date;
  stream: string;
  line: string;
}

/** Names each port the runtime published after the template's declaration of it ('' when undeclared). */
export const namePublishedPorts = (
  published: readonly { port: number; hostPort: number }[],
  declared: readonly { port: number; name: string }[],
): WorkspacePort[] =>
  published.map(({ port, hostPort }) => ({ port, hostPort, name: declared.find((d) => d.port === port)?.name ?? '' }));

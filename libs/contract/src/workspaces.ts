import { z } from 'zod';
import { BUILD_STATUSES, PORT_SHARES, TRANSITION_KINDS, WORKSPACE_STATUSES, type PortShare } from '#domain';
import { named, nullableTimestamp, timestamp } from './registry.js';

export const WorkspaceStatus = named('WorkspaceStatus', z.enum(WORKSPACE_STATUSES));
export const PortShareLevel = named('PortShare', z.enum(PORT_SHARES as [PortShare, ...PortShare[]]));
export const BuildKind = named('BuildKind', z.enum(TRANSITION_KINDS));
export const BuildStatus = named('BuildStatus', z.enum(BUILD_STATUSES));

export const LogLine = named('LogLine', z.object({ at: timestamp(), stream: z.string(), line: z.string() }));

export const WorkspacePort = named(
  'WorkspacePort',
  z.object({
    port: z.number().int(),
    name: z.string(),
    /** Host port on 127.0.0.1. */
    hostPort: z.number().int(),
    /** The port's own origin (BERTH_APPS_URL); opened through the ticket route. */
    url: z.string(),
    share: PortShareLevel,
  }),
);

export const Workspace = named(
  'Workspace',
  z.object({
    id: z.uuid(),
    name: z.string(),
    ownerId: z.uuid(),
    templateId: z.uuid(),
    templateVersion: z.number().int(),
    /** A newer template version has been promoted: `POST /workspaces/:id/update` moves to it. */
    outdated: z.boolean(),
    parameters: z.record(z.string(), z.unknown()),
    status: WorkspaceStatus,
    lastError: z.string().nullable(),
    ports: z.array(WorkspacePort),
    /** Last terminal or proxied-port use (minute precision). */
    lastActivityAt: nullableTimestamp(),
    /** Why Berth stopped it by itself (idle timeout), until the next transition. */
    stopReason: z.string().nullable(),
    /** Retention: dormant since, and deleted then unless started (null: never). */
    dormantAt: nullableTimestamp(),
    deletesAt: nullableTimestamp(),
    /** Home volume usage; `soft` warns, `hard` means it cannot start until it is under again. */
    home: z.object({
      usageBytes: z.number().nullable(),
      measuredAt: nullableTimestamp(),
      limitState: z.enum(['ok', 'soft', 'hard']).nullable(),
    }),
    createdAt: timestamp(),
    updatedAt: timestamp(),
  }),
  'A workspace',
);

/** Milliseconds per stage; the known stages are named (libs/domain BUILD_STAGES), others may follow. */
export const BuildStages = named(
  'BuildStages',
  z
    .object({
      queue: z.number(),
      stop: z.number(),
      'safety-snapshot': z.number(),
      restore: z.number(),
      image: z.number(),
      reinitialize: z.number(),
      volume: z.number(),
      container: z.number(),
      scripts: z.number(),
      ports: z.number(),
      ready: z.number(),
    })
    .partial()
    .catchall(z.number()),
);

export const Build = named(
  'Build',
  z.object({
    id: z.uuid(),
    workspaceId: z.uuid(),
    kind: BuildKind,
    status: BuildStatus,
    templateVersion: z.number().int(),
    queuedAt: timestamp(),
    startedAt: nullableTimestamp(),
    finishedAt: nullableTimestamp(),
    stages: BuildStages,
    /** Why Berth itself asked for it (idle stop, retention delete); null when a person did. */
    reason: z.string().nullable(),
    error: z.string().nullable(),
    errorCode: z.string().nullable(),
    logs: z.array(LogLine).optional(),
  }),
  'One transition of a workspace',
);

export const BuildAccepted = named('BuildAccepted', z.object({ build: Build }), 'The transition was queued');

export const WorkspaceStats = named(
  'WorkspaceStats',
  z.object({
    cpuPercent: z.number(),
    memoryBytes: z.number(),
    memoryLimitBytes: z.number(),
    running: z.boolean(),
  }),
);

export const ExecResult = named(
  'ExecResult',
  z.object({
    exitCode: z.number().int(),
    stdout: z.string(),
    stderr: z.string(),
    /** Output beyond BERTH_STREAM_OUTPUT_LIMIT_BYTES was dropped (the last line is the marker). */
    truncated: z.boolean(),
  }),
);

export const EditorStatus = named('EditorStatus', z.object({ available: z.boolean(), reason: z.string().nullable() }));
export const EditorTicket = named('EditorTicket', z.object({ url: z.string() }));

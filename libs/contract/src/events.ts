import { z } from 'zod';
import { named, timestamp } from './registry.js';
import { WorkspaceStatus } from './workspaces.js';

/**
 * Server-Sent Events of `GET /workspaces/:id/events`: the `data` of each `status` and `log`
 * event (libs/queue workspace-events.ts). Warnings ride on status events.
 */
export const WorkspaceStatusEvent = named(
  'WorkspaceStatusEvent',
  z.object({
    workspaceId: z.uuid().optional(),
    type: z.literal('status'),
    status: WorkspaceStatus,
    lastError: z.string().nullable(),
    at: timestamp().optional(),
    /** An idle stop is coming then. */
    idleStopAt: timestamp().optional(),
    /** It became dormant, and will be deleted then unless started (null: never). */
    dormantAt: timestamp().optional(),
    deletesAt: timestamp().nullable().optional(),
  }),
);

export const WorkspaceLogEvent = named(
  'WorkspaceLogEvent',
  z.object({
    workspaceId: z.uuid().optional(),
    type: z.literal('log'),
    buildId: z.uuid(),
    stream: z.string(),
    lines: z.array(z.string()),
    at: timestamp().optional(),
  }),
);

export const WorkspaceEvent = named(
  'WorkspaceEvent',
  z.discriminatedUnion('type', [WorkspaceStatusEvent, WorkspaceLogEvent]),
  'One event of the workspace stream',
);

import { type BuildLogRecord, type BuildRecord, type WorkspaceRecord } from '#persistence';
import { type BuildView, type WorkspaceView } from './workspaces.dto.js';

/** `promotedVersion`: the template's active version, for the `outdated` flag; `portUrl`: a port's own origin. */
export function toWorkspaceView(
  w: WorkspaceRecord,
  promotedVersion: number | undefined,
  portUrl: (port: number) => string,
): WorkspaceView {
  return {
    id: w.id,
    name: w.name,
    ownerId: w.ownerId,
    templateId: w.templateId,
    templateVersion: w.templateVersion,
    outdated: promotedVersion !== undefined && promotedVersion > w.templateVersion,
    parameters: w.parameters,
    status: w.status,
    lastError: w.lastError,
    ports: w.ports.map((p) => ({
      ...p,
      url: portUrl(p.port),
      share: w.portShares[String(p.port)] ?? 'owner',
    })),
    lastActivityAt: w.lastActivityAt?.toISOString() ?? null,
    stopReason: w.stopReason,
    dormantAt: w.dormantAt?.toISOString() ?? null,
    deletesAt: w.deletesAt?.toISOString() ?? null,
    home: {
      usageBytes: w.homeUsageBytes,
      measuredAt: w.homeUsageMeasuredAt?.toISOString() ?? null,
      limitState: w.homeLimitState,
    },
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

export function toBuildView(b: BuildRecord, logs?: BuildLogRecord[]): BuildView {
  return {
    id: b.id,
    workspaceId: b.workspaceId,
    kind: b.kind,
    status: b.status,
    templateVersion: b.templateVersion,
    queuedAt: b.queuedAt.toISOString(),
    startedAt: b.startedAt?.toISOString() ?? null,
    finishedAt: b.finishedAt?.toISOString() ?? null,
    stages: b.stages,
    reason: b.reason,
    error: b.error,
    errorCode: b.errorCode,
    ...(logs ? { logs: logs.map((l) => ({ at: l.at.toISOString(), stream: l.stream, line: l.line })) } : {}),
  };
}

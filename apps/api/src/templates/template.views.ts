import { type TemplateVersionRecord, type TemplateWithActive } from '#persistence';
import { type TemplateVersionView, type TemplateView } from './templates.dto.js';

export function toVersionView(
  v: TemplateVersionRecord,
  logs?: { at: Date; stream: string; line: string }[],
): TemplateVersionView {
  return {
    version: v.version,
    status: v.status,
    imageDigest: v.imageDigest,
    imageRef: v.imageRef,
    imageId: v.imageId,
    message: v.message,
    buildError: v.buildError,
    buildStartedAt: v.buildStartedAt?.toISOString() ?? null,
    buildFinishedAt: v.buildFinishedAt?.toISOString() ?? null,
    spec: v.spec,
    poolSize: v.poolSize,
    createdAt: v.createdAt.toISOString(),
    ...(logs ? { logs: logs.map((l) => ({ at: l.at.toISOString(), stream: l.stream, line: l.line })) } : {}),
  };
}

export function toTemplateView(t: TemplateWithActive): TemplateView {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    activeVersion: t.activeVersion,
    active: t.active && toVersionView(t.active),
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

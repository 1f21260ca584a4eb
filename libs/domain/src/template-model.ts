import { type JsonValue } from './workspace-model.js';

/** Templates and their versions as Berth's services see them (libs/persistence maps its rows to these). */

export const TEMPLATE_VERSION_STATUSES = ['pending', 'building', 'ready', 'failed'] as const;
export type TemplateVersionStatus = (typeof TEMPLATE_VERSION_STATUSES)[number];

export interface Template {
  id: string;
  name: string;
  description: string;
  activeVersion: number;
  archivedAt: Date | null;
  createdById: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface TemplateVersion {
  id: string;
  templateId: string;
  version: number;
  /** The spec as the admin wrote it (validated when written); parseTemplateSpec gives the defaults filled. */
  spec: JsonValue;
  status: TemplateVersionStatus;
  /** Repo digest when the image came from a registry, else its content digest (the config's sha256). */
  imageDigest: string | null;
  /** What any host resolves to this image: repo@sha256 from a registry, else the tag it was built as. */
  imageRef: string | null;
  /** This engine's cache: the local image id containers are created from (a moved tag cannot change them). */
  imageId: string | null;
  message: string;
  createdById: string | null;
  buildStartedAt: Date | null;
  buildFinishedAt: Date | null;
  buildError: string | null;
  /** Warm pool slots the admin asked for while this version is the promoted one (0: none). */
  poolSize: number;
  createdAt: Date;
}

/** A checked spec as a version stores it: plain JSON (no undefined fields, no class instances). */
export const storedSpec = (spec: object): JsonValue => JSON.parse(JSON.stringify(spec)) as JsonValue;

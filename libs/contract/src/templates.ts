import { z } from 'zod';
import { parameterDefinitionSchema, TEMPLATE_VERSION_STATUSES, WORKSPACE_STATUSES } from '#domain';
import { named, timestamp } from './registry.js';
import { LogLine } from './workspaces.js';

export const TemplateVersionStatus = named('TemplateVersionStatus', z.enum(TEMPLATE_VERSION_STATUSES));

export const ParameterDefinition = named('ParameterDefinition', parameterDefinitionSchema);

/** A stored template spec (libs/domain template-spec.ts); the keys clients read are named. */
export const TemplateSpec = named(
  'TemplateSpec',
  z.looseObject({
    image: z.string().optional(),
    build: z.looseObject({ dockerfile: z.string() }).optional(),
    ports: z.array(z.looseObject({ port: z.number().int(), name: z.string().optional() })).optional(),
    parameters: z.array(ParameterDefinition).optional(),
  }),
);

export const TemplateVersion = named(
  'TemplateVersion',
  z.object({
    version: z.number().int(),
    status: TemplateVersionStatus,
    imageDigest: z.string().nullable(),
    /** What any host resolves to this image (repo@digest from a registry, else its tag). */
    imageRef: z.string().nullable(),
    /** This engine's local image id (a cache). */
    imageId: z.string().nullable(),
    message: z.string(),
    buildError: z.string().nullable(),
    buildStartedAt: timestamp().nullable(),
    buildFinishedAt: timestamp().nullable(),
    spec: TemplateSpec,
    /** Warm pool slots kept while this version is the promoted one (README "Warm pool"). */
    poolSize: z.number().int(),
    createdAt: timestamp(),
    logs: z.array(LogLine).optional(),
  }),
);

export const Template = named(
  'Template',
  z.object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    activeVersion: z.number().int(),
    active: TemplateVersion.nullable(),
    createdAt: timestamp(),
    updatedAt: timestamp(),
  }),
  'A template and its promoted version',
);

export const SpecProblem = named('SpecProblem', z.object({ field: z.string(), message: z.string() }));
export const SpecValidation = named('SpecValidation', z.object({ valid: z.boolean(), problems: z.array(SpecProblem) }));

const fromTo = <T extends z.ZodType>(t: T) => z.object({ from: t, to: t });
const addedRemoved = <T extends z.ZodType>(t: T) => z.object({ added: z.array(t), removed: z.array(t) });

export const SpecChanges = named(
  'SpecChanges',
  z.object({
    containerRecreated: z.literal(true),
    volumeKept: z.literal(true),
    image: fromTo(z.string().nullable()).nullable(),
    env: z.object({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.string()) }),
    ports: addedRemoved(z.number().int()),
    resources: z.array(
      z.object({ field: z.enum(['cpus', 'memoryMb', 'pidsLimit']), from: z.number(), to: z.number() }),
    ),
    user: fromTo(z.string()).nullable(),
    homePath: fromTo(z.string()).nullable(),
    startScriptChanged: z.boolean(),
    initScriptChanged: z.boolean(),
    capAdd: addedRemoved(z.string()),
    /** Plain-language consequences worth a second look before updating. */
    warnings: z.array(z.string()),
  }),
);

export const RolloutImpact = named(
  'RolloutImpact',
  z.object({
    templateId: z.uuid(),
    version: z.number().int(),
    workspaces: z.array(
      z.object({
        workspaceId: z.uuid(),
        name: z.string(),
        ownerId: z.uuid(),
        status: z.enum(WORKSPACE_STATUSES),
        fromVersion: z.number().int(),
        changes: SpecChanges,
      }),
    ),
  }),
  'What moving each older workspace to a version would change',
);

export const DevcontainerImport = named(
  'DevcontainerImport',
  z.object({
    /** The created template (absent on a dry run). */
    template: Template.optional(),
    spec: z.record(z.string(), z.unknown()),
    /** Every key that was not carried over, with why. */
    unsupported: z.array(z.object({ key: z.string(), reason: z.string() })),
    notes: z.array(z.string()),
  }),
);

import { z } from 'zod';
import { snapshotScheduleSchema } from './snapshot-schedule.js';
import { BerthError, ErrorCode } from './errors.js';
import { parameterDefinitionsSchema } from './template-parameters.js';

/**
 * A template spec is what admins write; it is validated here, once, for every entry point
 * (create, new version, seed). Unknown keys are refused rather than ignored, so a typo or an
 * escalation attempt can never be silently dropped or passed through to Docker.
 */

/** Capabilities a template may add back after CapDrop ALL: none of them escapes the container. */
export const CAPABILITY_ALLOWLIST = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'NET_BIND_SERVICE',
  'SETGID',
  'SETUID',
] as const;

/** Keys that would weaken isolation, with the reason given back to the admin. Matched at any depth. */
const FORBIDDEN_KEYS: Record<string, string> = {
  privileged: 'privileged mode is never allowed',
  binds: 'host bind mounts are never allowed',
  mounts: 'host mounts are never allowed',
  volumes: 'extra volumes are not allowed; the workspace volume is mounted at homePath',
  devices: 'host devices are never allowed',
  networkmode: 'host or custom network modes are never allowed',
  network: 'custom networks are never allowed',
  pidmode: 'host PID namespace is never allowed',
  ipcmode: 'host IPC namespace is never allowed',
  utsmode: 'host UTS namespace is never allowed',
  usernsmode: 'user namespace overrides are never allowed',
  securityopt: 'security option overrides are never allowed',
  hostconfig: 'raw Docker host configuration is never allowed',
  cgroupparent: 'cgroup overrides are never allowed',
};

/** homePath may be none of these, nor inside one (the volume would hide or replace system files). */
const SYSTEM_TREES = ['/etc', '/usr', '/bin', '/sbin', '/proc', '/sys', '/dev', '/boot', '/run', '/var/run'];
/** Nor exactly one of these (a home below them is fine, e.g. /var/lib/dev or /tmp/dev). */
const SYSTEM_DIRS = ['/', '/root', '/var', '/tmp'];

/** Why a home path is refused, or null. The path must already be absolute and clean. */
function systemPathProblem(p: string): string | null {
  if (SYSTEM_DIRS.includes(p)) return `must not be ${p}`;
  // /lib, /lib64, /lib32, /libx32 …: every top-level lib* tree.
  const top = p.split('/')[1] ?? '';
  if (top.startsWith('lib')) return `must not be in /${top}`;
  const tree = SYSTEM_TREES.find((t) => p === t || p.startsWith(`${t}/`));
  return tree ? `must not be ${tree} or inside it` : null;
}

/** The clean form of an absolute path: no //, no . or .. segments, no trailing slash. */
export function cleanAbsolutePath(p: string): string {
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** uid 0 or the name root, alone or before a group: the container would run as root. */
export function isRootUser(user: string): boolean {
  const name = user.split(':')[0] ?? '';
  return name === 'root' || /^0+$/.test(name);
}

const IMAGE_REF =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const RELATIVE_FILE = /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._/-]{1,200}$/;

/** Context files that would stand in for the checked Dockerfile (or filter the context) if written. */
const SHADOWING_FILES = new Set(['dockerfile', '.dockerignore', 'dockerfile.dockerignore']);

/** `./a//Dockerfile` → `a/dockerfile`: how a path names a file, whatever its spelling. */
function normalizedContextPath(path: string): string {
  return path
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/')
    .toLowerCase();
}

/** A Dockerfile built by the worker; `files` are the rest of the build context (path → text). */
const buildSchema = z
  .object({
    dockerfile: z.string().min(1).max(65536),
    files: z
      .record(z.string(), z.string().max(1_000_000))
      .refine((f) => Object.keys(f).every((path) => RELATIVE_FILE.test(path)), 'file paths are relative, without ..')
      .refine((f) => Object.keys(f).length <= 50, 'at most 50 files')
      // Exactly one Dockerfile is built, the checked one: no context file may stand in for it.
      .superRefine((f, ctx) => {
        for (const path of Object.keys(f))
          if (SHADOWING_FILES.has(normalizedContextPath(path)))
            ctx.addIssue({ code: 'custom', path: [path], message: 'may not replace the checked build.dockerfile' });
      })
      .default({}),
    args: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'build arg names are letters, digits and _'),
        z.string().max(8192),
      )
      .default({}),
  })
  .strict();

const retentionDays = z.number().gt(0, 'must be more than 0 days').max(3650, 'must be at most 3650 days (10 years)');

const retentionSchema = z
  .object({ dormantAfterDays: retentionDays, deleteAfterDays: retentionDays.optional() })
  .strict();

export const templateSpecSchema = z
  .object({
    image: z.string().max(255).regex(IMAGE_REF, 'must be an image reference such as berth/debian:bookworm').optional(),
    build: buildSchema.optional(),
    user: z
      .string()
      .regex(
        /^(?:[a-z_][a-z0-9_-]{0,31}|\d{1,10})(?::(?:[a-z_][a-z0-9_-]{0,31}|\d{1,10}))?$/,
        'must be a user name or uid[:gid]',
      )
      .default('1000:1000'),
    homePath: z
      .string()
      .max(255)
      .regex(/^\/[A-Za-z0-9._/-]*$/, 'must be an absolute path')
      .superRefine((p, ctx) => {
        const clean = cleanAbsolutePath(p);
        const problem = systemPathProblem(clean);
        if (problem) ctx.addIssue({ code: 'custom', message: `${problem}: it is a system path (${clean})` });
        else if (clean !== p) ctx.addIssue({ code: 'custom', message: `must be a clean path (${clean})` });
      })
      .default('/home/dev'),
    /** Running as root (uid 0 or the name root) needs this, and only admins write templates. */
    allowRoot: z.boolean().default(false),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'env names are letters, digits and _'), z.string().max(8192))
      .default({}),
    ports: z
      .array(
        z
          .object({
            port: z.number().int().min(1).max(65535),
            name: z.string().regex(DNS_LABEL, 'must be a DNS label'),
          })
          .strict(),
      )
      .max(20)
      .refine((ps) => new Set(ps.map((p) => p.port)).size === ps.length, 'ports must be unique')
      .default([]),
    /** The highest share level a workspace may give its ports (owner: no sharing). */
    maxPortShare: z.enum(['owner', 'authenticated', 'public']).default('owner'),
    command: z.array(z.string().max(4096)).min(1).max(64).optional(),
    initScript: z.string().max(65536).optional(),
    startScript: z.string().max(65536).optional(),
    capAdd: z.array(z.enum(CAPABILITY_ALLOWLIST)).max(CAPABILITY_ALLOWLIST.length).default([]),
    resources: z
      .object({
        cpus: z.number().min(0.1).max(64).default(2),
        memoryMb: z.number().int().min(128).max(262144).default(2048),
        pidsLimit: z.number().int().min(16).max(65536).default(1024),
      })
      .strict()
      .prefault({}),
    parameters: parameterDefinitionsSchema,
    /** Stop the workspace after this long without terminal, proxied-port or exec use (fractions allowed). */
    idleTimeoutMinutes: z.number().min(0.05).max(10080).optional(),
    /**
     * Stopped workspaces unused for `dormantAfterDays` become dormant; with `deleteAfterDays`, a
     * dormant one is deleted (volume included) that much later unless started again. Fractions
     * allowed (tests use seconds); no deleteAfterDays means dormant only, never deleted by Berth.
     */
    retention: retentionSchema.optional(),
    /** Scheduled snapshots of each workspace's home: `{ schedule: 'daily', keep: 7 }` (snapshot-schedule.ts). */
    snapshots: snapshotScheduleSchema.optional(),
    /**
     * Home volume limits in MiB: over `softMb` the portal warns; over `hardMb` the workspace is
     * told so and cannot start until it is under again.
     */
    homeLimits: z
      .object({
        softMb: z.number().int().min(1).max(16_777_216).optional(),
        hardMb: z.number().int().min(1).max(16_777_216).optional(),
      })
      .strict()
      .refine((l) => l.softMb === undefined || l.hardMb === undefined || l.softMb <= l.hardMb, {
        message: 'softMb must not be above hardMb',
        path: ['softMb'],
      })
      .optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    // Exactly one image source: a reference, or a Dockerfile the worker builds.
    if (!spec.image && !spec.build)
      ctx.addIssue({ code: 'custom', path: ['image'], message: 'either image or build.dockerfile is required' });
    if (spec.image && spec.build)
      ctx.addIssue({ code: 'custom', path: ['build'], message: 'give image or build, not both' });
    if (isRootUser(spec.user) && !spec.allowRoot)
      ctx.addIssue({
        code: 'custom',
        path: ['user'],
        message: 'runs as root: set allowRoot: true to allow it (admins only)',
      });
  });

export type TemplateSpec = z.output<typeof templateSpecSchema>;
export type TemplateSpecInput = z.input<typeof templateSpecSchema>;

/** Maps whose keys are names chosen by the admin (env vars, file names), not settings. */
const FREE_FORM = new Set(['spec.env', 'spec.build.files', 'spec.build.args']);

function findForbiddenKeys(value: unknown, path: string[], found: SpecProblem[] = []): SpecProblem[] {
  if (value === null || typeof value !== 'object' || FREE_FORM.has(path.join('.'))) return found;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const reason = FORBIDDEN_KEYS[key.toLowerCase()];
    const childPath = [...path, key];
    if (reason) found.push({ field: childPath.join('.'), message: reason });
    else findForbiddenKeys(child, childPath, found);
  }
  return found;
}

export interface SpecProblem {
  field: string;
  message: string;
}

/** Every problem of a spec at once (for the editor's lint); empty when the spec is valid. */
export function lintTemplateSpec(input: unknown): SpecProblem[] {
  const forbidden = findForbiddenKeys(input, ['spec']);
  if (forbidden.length > 0) return forbidden;
  const result = templateSpecSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const keys = 'keys' in issue && Array.isArray(issue.keys) ? issue.keys : [];
    const field = ['spec', ...issue.path.map(String), ...keys.slice(0, 1)].join('.');
    return { field, message: issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message };
  });
}

/** Validates and normalises a spec (defaults filled in); throws a Validation error naming the field. */
export function parseTemplateSpec(input: unknown): TemplateSpec {
  const problems = lintTemplateSpec(input);
  const first = problems[0];
  if (first)
    throw new BerthError(ErrorCode.Validation, `${first.field}: ${first.message}`, { field: first.field, problems });
  return templateSpecSchema.parse(input);
}

/** Who may open a forwarded port: its owner (and admins), any signed-in user, or anyone. */
export type PortShare = 'owner' | 'authenticated' | 'public';
export const PORT_SHARES: readonly PortShare[] = ['owner', 'authenticated', 'public'];
/** The lower of two levels (a template's maximum caps what a workspace set). */
export const minShare = (a: PortShare, b: PortShare): PortShare =>
  PORT_SHARES[Math.min(PORT_SHARES.indexOf(a), PORT_SHARES.indexOf(b))] ?? 'owner';

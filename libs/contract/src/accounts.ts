import { z } from 'zod';
import { ROLES } from '#domain';
import { named, nullableTimestamp, timestamp } from './registry.js';

export const Role = named('Role', z.enum(ROLES));

const limits = z.object({
  maxWorkspaces: z.number(),
  maxRunning: z.number(),
  maxCpus: z.number(),
  maxMemoryMb: z.number(),
});

export const QuotaSummary = named(
  'QuotaSummary',
  z.object({
    limits,
    /** Only the limits an admin set for this user; the others come from the configuration. */
    overrides: limits.partial(),
    usage: z.object({ workspaces: z.number(), running: z.number(), cpus: z.number(), memoryMb: z.number() }),
    homeUsageBytes: z.number(),
    trash: z.object({ workspaces: z.number(), homeUsageBytes: z.number() }),
    snapshots: z.object({ usedBytes: z.number(), maxMb: z.number() }),
  }),
  "A user's effective quota limits and usage",
);

export const User = named(
  'User',
  z.object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: Role,
    /** Shown to admins. */
    active: z.boolean().optional(),
    /** `/users/me` and an admin's changes show the quota. */
    quota: QuotaSummary.optional(),
  }),
  'A user account',
);

export const SignedIn = named('SignedIn', z.object({ user: User }));

export const AuthProviders = named(
  'AuthProviders',
  z.object({
    password: z.literal(true),
    oidc: z.object({ enabled: z.boolean(), loginUrl: z.string().optional() }),
  }),
  'Which sign-in methods the portal should offer',
);

export const PasswordReset = named(
  'PasswordReset',
  z.object({ code: z.string(), url: z.string(), expiresAt: timestamp() }),
  'A one-time password reset code, shown once',
);

export const Token = named(
  'Token',
  z.object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(z.string()),
    createdById: z.uuid().nullable(),
    expiresAt: nullableTimestamp(),
    lastUsedAt: nullableTimestamp(),
    createdAt: timestamp(),
  }),
  'An API token (without its secret)',
);

export const CreatedToken = named(
  'CreatedToken',
  z.object({
    id: z.uuid(),
    name: z.string(),
    /** The secret, shown only in this answer. */
    token: z.string(),
    scopes: z.array(z.string()),
    expiresAt: nullableTimestamp(),
  }),
  'A new API token with its secret',
);

export const SshKey = named(
  'SshKey',
  z.object({
    id: z.uuid(),
    name: z.string(),
    type: z.string(),
    fingerprint: z.string(),
    publicKey: z.string(),
    lastUsedAt: nullableTimestamp(),
    createdAt: timestamp(),
  }),
);

export const SshSettings = named(
  'SshSettings',
  z.object({
    startsStopped: z.boolean(),
    /** Where the gateway listens (null: turned off). */
    gateway: z.object({ host: z.string(), port: z.number().int() }).nullable(),
  }),
);

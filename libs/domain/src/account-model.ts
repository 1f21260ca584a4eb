/** People and their credentials as Berth's services see them (libs/persistence maps its rows to these). */

export const ROLES = ['admin', 'developer'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  passwordHash: string | null;
  role: Role;
  active: boolean;
  /** Single sign-on identity: accounts are linked by (issuer, subject), never by email alone. */
  oidcIssuer: string | null;
  oidcSubject: string | null;
  /** Per-user quota overrides set by admins; null means the BERTH_QUOTA_* default applies. */
  quotaMaxWorkspaces: number | null;
  quotaMaxRunning: number | null;
  quotaMaxCpus: number | null;
  quotaMaxMemoryMb: number | null;
  /** Snapshot storage (compressed MiB); null: BERTH_QUOTA_SNAPSHOT_MB. */
  quotaMaxSnapshotMb: number | null;
  /** What the SSH gateway does with a stopped workspace: start it (true) or refuse with a message. */
  sshStartsStopped: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  /** sha256 of the secret: the secret itself is shown once and never stored. */
  tokenHash: string;
  prefix: string;
  scopes: string[];
  createdById: string | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export interface SshKey {
  id: string;
  userId: string;
  name: string;
  type: string;
  /** SHA256:<base64> of the key blob, as ssh-keygen -l shows it. */
  fingerprint: string;
  publicKey: string;
  lastUsedAt: Date | null;
  createdAt: Date;
}

/** Shapes of the REST API (base /api/v1) the portal uses; see README.md and /api/openapi.json. */

export type Role = 'admin' | 'developer';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  active?: boolean;
}

export interface AuthProviders {
  password: boolean;
  oidc: { enabled: boolean; loginUrl?: string | null };
}

export type WorkspaceStatus =
  'pending' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed' | 'deleting' | 'deleted';

export type PortShare = 'owner' | 'authenticated' | 'public';

export interface WorkspacePort {
  port: number;
  name: string;
  hostPort: number;
  /** The port's own origin (BERTH_APPS_URL); opened through the ticket route. */
  url: string;
  share: PortShare;
}

export interface Workspace {
  id: string;
  name: string;
  ownerId: string;
  templateId: string;
  templateVersion: number;
  outdated: boolean;
  parameters: Record<string, unknown>;
  status: WorkspaceStatus;
  lastError: string | null;
  ports: WorkspacePort[];
  /** Retention: stopped and unused past its template's threshold since then; cleared by a start. */
  dormantAt: string | null;
  /** When a dormant workspace will be deleted unless started (null: never). */
  deletesAt: string | null;
  /** Home volume usage and where it stands against the template's limits (soft: warning; hard: cannot start). */
  home: { usageBytes: number | null; measuredAt: string | null; limitState: 'ok' | 'soft' | 'hard' | null };
  createdAt: string;
  updatedAt: string;
}

export interface LogLine {
  at: string;
  stream: string;
  line: string;
}

export interface Build {
  id: string;
  workspaceId: string;
  kind: string;
  status: string;
  templateVersion: number;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  stages: Partial<Record<'image' | 'volume' | 'container' | 'scripts', number>> & Record<string, number>;
  /** Why Berth itself asked for it (idle stop, retention delete); null when a person did. */
  reason: string | null;
  error: string | null;
  errorCode: string | null;
  logs?: LogLine[];
}

export interface WorkspaceStats {
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
}

export type VersionStatus = 'pending' | 'building' | 'ready' | 'failed';

export interface NumberParameter {
  name: 'cpus' | 'memoryMb';
  kind: 'number';
  description?: string;
  min: number;
  max: number;
  default: number;
}

export interface ChoiceParameter {
  name: string;
  kind: 'choice';
  description?: string;
  options: string[];
  default: string;
}

export interface EnvParameter {
  name: 'env';
  kind: 'env';
  description?: string;
  namePattern: string;
  maxEntries?: number;
}

export type ParameterDefinition = NumberParameter | ChoiceParameter | EnvParameter;

export interface TemplateSpec {
  image?: string;
  build?: { dockerfile: string };
  ports?: { port: number; name?: string }[];
  parameters?: ParameterDefinition[];
  [key: string]: unknown;
}

export interface TemplateVersion {
  version: number;
  status: VersionStatus;
  imageDigest: string | null;
  imageId: string | null;
  message: string;
  buildError: string | null;
  buildStartedAt: string | null;
  buildFinishedAt: string | null;
  spec: TemplateSpec;
  createdAt: string;
  logs?: LogLine[];
}

export interface Template {
  id: string;
  name: string;
  description: string;
  activeVersion: number;
  active: TemplateVersion | null;
  createdAt: string;
  updatedAt: string;
}

export interface SpecProblem {
  field: string;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  problems: SpecProblem[];
}

export interface SpecChanges {
  containerRecreated: boolean;
  volumeKept: boolean;
  image: { from: string | null; to: string | null } | null;
  env: { added: string[]; removed: string[]; changed: string[] };
  ports: { added: number[]; removed: number[] };
  resources: { field: string; from: number; to: number }[];
  user: { from: string; to: string } | null;
  homePath: { from: string; to: string } | null;
  [key: string]: unknown;
}

export interface RolloutImpact {
  templateId: string;
  version: number;
  workspaces: {
    workspaceId: string;
    name: string;
    ownerId: string;
    status: string;
    fromVersion: number;
    changes: SpecChanges;
  }[];
}

export interface CreatedToken {
  id: string;
  name: string;
  token: string;
  expiresAt: string | null;
}

export interface AuditEvent {
  id: string;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  via: string;
  tokenId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  outcome: string;
  details: unknown;
}

export interface AuditPage {
  events: AuditEvent[];
  nextBefore: string | null;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
}

/** One template version's warm pool on GET /admin/system. */
export interface PoolVersionInfo {
  templateId: string;
  templateName: string;
  version: number;
  size: number;
  promoted: boolean;
  warming: number;
  ready: number;
  draining: number;
}

export interface SystemInfo {
  queues: Record<string, QueueCounts>;
  runtime: { kind: string; serverVersion: string; containersRunning: number; images: number };
  /** Absent from servers older than the warm pool. */
  pool?: { max: number; versions: PoolVersionInfo[] };
}

/** SSE payloads of GET /workspaces/:id/events. */
export interface StatusEvent {
  status: WorkspaceStatus;
  lastError: string | null;
  at?: string;
  /** Present on retention warnings (it became dormant, or its deletion is near). */
  dormantAt?: string;
  deletesAt?: string | null;
}

export interface LogEvent {
  buildId: string;
  stream: string;
  lines: string[];
  at?: string;
}

/** GET /admin/queues/:queue/jobs?state=… (admins). */
export interface QueueJob {
  id: string;
  queue: string;
  name: string;
  state: string;
  data: unknown;
  failedReason: string | null;
  attemptsMade: number;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface SshKey {
  id: string;
  name: string;
  type: string;
  fingerprint: string;
  publicKey: string;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface SshSettings {
  startsStopped: boolean;
  gateway: { host: string; port: number } | null;
}

/** A deleted workspace whose home volume the trash still keeps (`GET /trash`). */
export interface TrashItem {
  workspaceId: string;
  name: string;
  ownerId: string;
  templateId: string;
  templateVersion: number;
  deletedAt: string;
  expiresAt: string;
  purging: boolean;
  homeUsageBytes: number | null;
}

export interface TrashList {
  items: TrashItem[];
  nextCursor: string | null;
  /** BERTH_TRASH_DAYS: how long a deleted workspace's home is kept. */
  trashDays: number;
}

/** A snapshot of a workspace's home (`GET /workspaces/:id/snapshots`). */
export interface Snapshot {
  id: string;
  workspaceId: string;
  kind: string;
  status: 'pending' | 'running' | 'ready' | 'failed';
  sizeBytes: number | null;
  sha256: string | null;
  templateVersion: number;
  createdById: string | null;
  /** `schedule`: the template's snapshot schedule took it. */
  takenBy: 'schedule' | 'user';
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

import { z } from 'zod';

/** Every environment variable Berth reads, validated once at boot (fail fast, one clear message). */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/berth'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  DOCKER_HOST: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Overrides LOG_LEVEL. */
  BERTH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** json (default, for machines) or pretty (short colourised lines; `npm run up` picks it on a terminal). */
  BERTH_LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  BERTH_DATA_DIR: z.string().default('.berth'),
  BERTH_ADMIN_EMAIL: z.string().email().default('admin@berth.local'),
  BERTH_ADMIN_PASSWORD: z.string().min(8).optional(),
  /** Signs session cookies; generated once and kept in BERTH_DATA_DIR when not given. */
  BERTH_SESSION_SECRET: z.string().min(16).optional(),
  BERTH_SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  /**
   * Which engine runs workspaces (DESIGN.md "Runtime"): RuntimeModule.forRoot picks its driver.
   * `swarm` is part of the contract; a build without its driver refuses to start.
   */
  BERTH_RUNTIME: z.enum(['docker', 'swarm']).default('docker'),
  /** Label value separating installations that share one Docker engine. */
  BERTH_INSTANCE: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/)
    .default('default'),
  /** Bridge network for workspaces, created with inter-container traffic disabled. */
  BERTH_WORKSPACE_NETWORK: z.string().default('berth-workspaces'),
  BERTH_DEFAULT_IMAGE: z.string().default('berth/debian:bookworm'),
  /** Comma-separated glob patterns of images templates may use (image: and Dockerfile FROM). */
  BERTH_IMAGE_ALLOWLIST: z.string().default('*'),
  /** Upper bound for one Docker API call, so a hung engine fails a build instead of hanging it. */
  BERTH_DOCKER_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  BERTH_IMAGE_PULL_TIMEOUT_MS: z.coerce.number().int().positive().default(600_000),
  /** Longest line kept from a container or engine stream; a longer one is split and marked. */
  BERTH_STREAM_LINE_LIMIT_BYTES: z.coerce.number().int().min(256).max(1_048_576).default(16_384),
  /** Output kept per stream of one call (exec, script, build, pull); the rest is dropped, marked. */
  BERTH_STREAM_OUTPUT_LIMIT_BYTES: z.coerce.number().int().min(1024).max(268_435_456).default(1_048_576),
  /**
   * The sealed builder: RUN steps run as hardened containers on this bridge, which
   * scripts/build-network.sh creates with a host firewall rule (it cannot reach the host's services).
   */
  BERTH_BUILD_NETWORK: z.string().default('berth-build'),
  BERTH_BUILD_MEMORY_MB: z.coerce.number().int().min(64).default(2048),
  BERTH_BUILD_CPUS: z.coerce.number().min(0.1).default(1),
  BERTH_BUILD_PIDS_LIMIT: z.coerce.number().int().min(16).default(1024),
  /** The whole build (every step) must finish within this. */
  BERTH_BUILD_TIMEOUT_MS: z.coerce.number().int().min(1000).default(600_000),
  /** How often the worker measures every home volume (also measured at each start with a hard limit). */
  BERTH_HOME_USAGE_INTERVAL_MS: z.coerce.number().int().min(1000).default(300_000),
  /** Upper bound of the build context (the template's files, in bytes). */
  BERTH_BUILD_CONTEXT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  BERTH_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Reconciler pass interval: one label-filtered container list per pass. */
  BERTH_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(200).default(5000),
  /** Reaper pass interval, and how long a build may go without a heartbeat before it is failed. */
  BERTH_REAPER_INTERVAL_MS: z.coerce.number().int().min(200).default(10_000),
  BERTH_BUILD_HEARTBEAT_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
  /** A build still queued after this long is enqueued again (Redis may have lost the job). */
  BERTH_QUEUED_BUILD_GRACE_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Upper bound of one build stage (image, volume, container, scripts). */
  BERTH_STAGE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(900_000),
  /**
   * A start waits up to this long for each port the template declares to accept a connection
   * (when the template sets its own `command`) before the workspace is `running`; 0: no wait.
   */
  BERTH_PORTS_READY_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  /** Activity is written at most this often per workspace (it only needs minute precision). */
  BERTH_ACTIVITY_RESOLUTION_MS: z.coerce.number().int().min(100).default(60_000),
  /**
   * How long a build waits for the database or the Docker engine to come back (restart, blip)
   * before it fails; it tries again with backoff meanwhile, re-checking what is already done.
   */
  BERTH_TRANSIENT_RETRY_MS: z.coerce.number().int().min(0).default(120_000),
  /**
   * BullMQ job lock: a job whose worker died is taken over by another worker after this long.
   * Keep BERTH_BUILD_HEARTBEAT_TIMEOUT_MS above it, or the reaper fails builds a new worker would finish.
   */
  BERTH_JOB_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /** On SIGTERM, how long in-flight jobs may run on before they are handed back to the queue. */
  BERTH_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(30_000),

  /** The built-in SSH gateway (`ssh -p <port> <workspace>@<host>`); 0 turns it off. */
  BERTH_SSH_PORT: z.coerce.number().int().min(0).max(65535).default(2222),
  /** Where the SSH gateway listens: loopback unless configured. */
  BERTH_SSH_HOST: z.string().default('127.0.0.1'),
  /**
   * The code-server build for VS Code in the browser (scripts/code-server.sh), on the engine's
   * machine; default `$BERTH_CACHE/code-server-<version>`. Without a finished build there, the
   * portal says the editor is not installed instead of showing its button.
   */
  BERTH_CODE_SERVER_DIR: z.string().regex(/^\//, 'an absolute path').optional(),

  /** Bearer token that lets a scraper read /metrics from a non-loopback address (loopback needs none). */
  BERTH_METRICS_TOKEN: z.string().min(16).optional(),
  /** The worker's own metrics listener (it has no other HTTP server); port 0 turns it off. */
  BERTH_WORKER_METRICS_HOST: z.string().default('127.0.0.1'),
  BERTH_WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),

  /** The URL users reach Berth at; OIDC redirect URIs and cookie `Secure` derive from it. */
  BERTH_PUBLIC_URL: z.string().url().optional(),
  /**
   * Wildcard URL whose `*` becomes each forwarded port's own host, `<port>--<workspace>--<owner>`
   * (default `http://*.apps.localhost:<PORT>`; browsers resolve `*.localhost` to loopback).
   */
  BERTH_APPS_URL: z
    .string()
    .regex(/^https?:\/\/\*\.[a-z0-9.-]+(:\d+)?\/?$/i, 'a URL such as https://*.apps.example.com')
    .optional(),
  BERTH_MIN_PASSWORD_LENGTH: z.coerce.number().int().min(8).max(128).default(12),
  /** How long an admin-made password reset code stays valid (single use either way). */
  BERTH_PASSWORD_RESET_TTL_MINUTES: z.coerce.number().int().min(1).max(10080).default(60),
  /**
   * Failed sign-ins allowed per account (BERTH_LOGIN_LIMIT) and per client address, per window;
   * each account's failures after the third also delay its next attempt (doubling, up to the max).
   */
  BERTH_LOGIN_LIMIT: z.coerce.number().int().positive().default(10),
  BERTH_LOGIN_ADDRESS_LIMIT: z.coerce.number().int().positive().default(30),
  BERTH_LOGIN_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  BERTH_LOGIN_DELAY_MAX_MS: z.coerce.number().int().min(0).default(5000),
  /**
   * Proxies whose X-Forwarded-For names the client (comma-separated IPs or CIDRs; default none):
   * from anyone else the header is ignored and the peer address is the client's.
   */
  BERTH_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /** Token creation per user, shared by every API process through Redis. */
  BERTH_TOKEN_CREATE_LIMIT: z.coerce.number().int().positive().default(30),
  BERTH_TOKEN_CREATE_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  /**
   * How long an API process may reuse a bearer token's verdict without asking Postgres (0: never).
   * Revocation and user changes evict it at once in every process (Redis pub/sub); this bounds the
   * rest, and the cache is bypassed whenever that subscription is down.
   */
  BERTH_TOKEN_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(10_000),

  /** Per-user quotas when an admin has set no override (docs: README "Quotas"). */
  BERTH_QUOTA_MAX_WORKSPACES: z.coerce.number().int().min(0).default(10),
  BERTH_QUOTA_MAX_RUNNING: z.coerce.number().int().min(0).default(5),
  BERTH_QUOTA_MAX_CPUS: z.coerce.number().min(0).default(8),
  BERTH_QUOTA_MAX_MEMORY_MB: z.coerce.number().int().min(0).default(16384),

  /** How long a deleted workspace's home volume stays in the trash before it is purged (fractions allowed). */
  BERTH_TRASH_DAYS: z.coerce.number().min(0).default(7),
  /**
   * Where snapshots are kept: a local folder (default `<BERTH_DATA_DIR>/snapshots`) or an
   * S3-compatible bucket, `s3://<bucket>[/<prefix>]` with BERTH_S3_ENDPOINT and AWS-style keys.
   */
  BERTH_SNAPSHOT_STORE: z.string().optional(),
  /** The S3-compatible endpoint (path-style requests), e.g. https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000. */
  BERTH_S3_ENDPOINT: z.string().url().optional(),
  BERTH_S3_REGION: z.string().default('us-east-1'),
  BERTH_S3_ACCESS_KEY_ID: z.string().optional(),
  BERTH_S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Per-user snapshot storage (compressed bytes, in MiB) when an admin has set no override. */
  BERTH_QUOTA_SNAPSHOT_MB: z.coerce.number().int().min(0).default(10_240),
  /**
   * How often the worker looks for workspaces due for a scheduled snapshot (templates'
   * `snapshots.schedule`): one BullMQ job scheduler for all workspaces, never a timer per workspace.
   */
  BERTH_SNAPSHOT_TICK_MS: z.coerce.number().int().min(200).default(60_000),

  /** OpenID Connect single sign-on; enabled when the issuer is set. */
  BERTH_OIDC_ISSUER: z.string().url().optional(),
  BERTH_OIDC_CLIENT_ID: z.string().optional(),
  BERTH_OIDC_CLIENT_SECRET: z.string().optional(),
  /** Comma-separated email domains allowed to sign in (exact match; empty: any verified email). */
  BERTH_OIDC_ALLOWED_DOMAINS: z.string().default(''),
  /** Members of this group (in the groups claim) become admins on first login. */
  BERTH_OIDC_ADMIN_GROUP: z.string().optional(),
  BERTH_OIDC_GROUPS_CLAIM: z.string().default('groups'),
});

export type BerthConfig = z.output<typeof configSchema>;

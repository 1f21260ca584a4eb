import fs from 'node:fs';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import {
  BerthUnderTest,
  cloneDatabase,
  DockerFaultProxy,
  freePort,
  PrivateDockerd,
  PrivatePostgres,
  PrivateRedis,
  removeInstanceObjects,
  signIn,
  testAdmin,
  type ApiClient,
} from '#testing';
import { testEnv } from './test-env.js';
import { TOOLS_IMAGE } from '#runtime';

export interface LabOptions {
  /** Short, DNS-label-like: it names the lab's folders, instance label and database. */
  name: string;
  /** A Docker engine of the lab's own, which the test may restart, kill or freeze. */
  dockerd?: boolean;
  /** A PostgreSQL cluster of the lab's own, which the test may restart (else a database of its own on the machine's). */
  postgres?: boolean;
  /** A Redis of the lab's own, which the test may stop (else the machine's, with its own key prefix). */
  redis?: boolean;
  /** A DockerFaultProxy between Berth and the engine, to hold chosen engine requests. */
  proxy?: boolean;
  /** Settings for the lab's API and workers, on top of the test defaults. */
  env?: Record<string, string>;
}

export interface Lab {
  env: Record<string, string>;
  berth: BerthUnderTest;
  /** A client of the engine the lab's Berth uses (behind the proxy, if any). */
  docker: Docker;
  dockerd?: PrivateDockerd;
  postgres?: PrivatePostgres;
  redis?: PrivateRedis;
  proxy?: DockerFaultProxy;
  /** Starts the API and one worker, waits until ready, and signs the admin in. */
  start(): Promise<ApiClient>;
  teardown(): Promise<void>;
}

/**
 * A Berth of a fault test's own, with whichever of its dependencies the test is going to break
 * run privately, so breaking them never disturbs the machine's services or another suite.
 * Every lab has its own port, database, Docker label value (BERTH_INSTANCE) and network.
 */
export async function startLab(options: LabOptions): Promise<Lab> {
  const base = testEnv();
  const instance = `${base.BERTH_INSTANCE ?? 'test'}-${options.name}`;
  const dir = `/tmp/berth-lab/${instance}`;
  fs.mkdirSync(dir, { recursive: true });
  const lab: Partial<Lab> = {};

  if (options.postgres) {
    lab.postgres = new PrivatePostgres(`${dir}/postgres`, await freePort());
    await lab.postgres.start();
  }
  const adminUrl = lab.postgres?.url('postgres') ?? base.DATABASE_URL!.replace(/\/[^/?]*$/, '/postgres');
  const databaseUrl = await cloneDatabase(adminUrl, `berth_lab_${instance.replace(/-/g, '_')}`, base.DATABASE_URL!);

  if (options.redis) {
    lab.redis = new PrivateRedis(`${dir}/redis`, await freePort());
    await lab.redis.start();
  } else {
    // The machine's Redis: this lab's queues start empty (an earlier run may have left jobs).
    await deleteKeys(base.REDIS_URL!, `berth-${instance}:*`);
  }
  let engineSocket = '/var/run/docker.sock';
  if (options.dockerd) {
    lab.dockerd = new PrivateDockerd(`${dir}/engine`, `berth-${instance}`);
    await lab.dockerd.start();
    await lab.dockerd.loadImage('berth/busybox:test');
    // Berth's own toolset (mounted at /.berth in every workspace) comes from this image.
    await lab.dockerd.loadImage(TOOLS_IMAGE);
    engineSocket = lab.dockerd.socket;
  }
  if (options.proxy) {
    lab.proxy = new DockerFaultProxy(`${dir}/proxy.sock`, engineSocket);
    await lab.proxy.start();
  }

  const env: Record<string, string> = {
    ...base,
    PORT: String(await freePort()),
    BERTH_SSH_PORT: '0',
    DATABASE_URL: databaseUrl,
    REDIS_URL: lab.redis?.url ?? base.REDIS_URL!,
    BERTH_INSTANCE: instance,
    BERTH_WORKSPACE_NETWORK: `berth-${instance}-workspaces`,
    BERTH_DATA_DIR: `.berth/lab/${options.name}`,
    // The lab reads 'berth worker ready' from the worker's log; the logs also tell what a fault did.
    LOG_LEVEL: 'info',
    ...(lab.proxy ? { DOCKER_HOST: lab.proxy.host } : lab.dockerd ? { DOCKER_HOST: lab.dockerd.host } : {}),
    ...options.env,
  };
  const berth = new BerthUnderTest(env);
  const docker = new Docker({ socketPath: engineSocket });

  return {
    ...lab,
    env,
    berth,
    docker,
    async start(): Promise<ApiClient> {
      await berth.startApi();
      await berth.startWorker();
      await berth.waitReady();
      return signIn(testAdmin.email, testAdmin.password, berth.baseUrl);
    },
    async teardown(): Promise<void> {
      await berth.killAll();
      await lab.proxy?.close();
      // The machine's engine: only this lab's objects (by its instance label) are removed.
      if (!lab.dockerd) await removeInstanceObjects(instance, docker);
      await lab.dockerd?.destroy();
      await lab.redis?.stop();
      await lab.postgres?.stop('immediate');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function deleteKeys(redisUrl: string, pattern: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    for (let cursor = '0'; ;) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      if (next === '0') break;
      cursor = next;
    }
  } finally {
    redis.disconnect();
  }
}

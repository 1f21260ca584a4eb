import { type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { waitFor } from '../wait-for.js';
import { exited, run, startDaemon, terminate } from './run.js';

/**
 * A Docker engine of the test's own (own data root, exec root and socket), so fault tests can
 * restart, kill or freeze (SIGSTOP) the engine without touching the one everything else uses.
 * It runs in a network namespace of its own: its bridges and iptables rules stay there. (Found
 * here: dockerd 20.10 restarting on a data root that has a `bridge` network deletes the link
 * named docker0 — in the host namespace that is the machine engine's default bridge.) Berth
 * reaches it through its unix socket, which no namespace hides. Images are copied in from the
 * machine's engine with `docker save | docker load`.
 */
export class PrivateDockerd {
  private child: ChildProcess | null = null;
  readonly socket: string;

  constructor(
    private readonly dir: string,
    private readonly namespace: string,
  ) {
    this.socket = path.join(dir, 'docker.sock');
  }

  /** What DOCKER_HOST must say for Berth (and the docker CLI) to use this engine. */
  get host(): string {
    return `unix://${this.socket}`;
  }

  client(): Docker {
    return new Docker({ socketPath: this.socket });
  }

  async start(): Promise<void> {
    if (!fs.existsSync(path.join(this.dir, 'data'))) await this.wipe();
    fs.mkdirSync(this.dir, { recursive: true });
    await this.ensureNamespace();
    this.clearStalePidFiles();
    // nsenter, not `ip netns exec`: that one remounts /sys and hides the cgroup mounts dockerd needs.
    this.child = startDaemon(
      'nsenter',
      [
        `--net=/var/run/netns/${this.namespace}`,
        'dockerd',
        '--data-root',
        path.join(this.dir, 'data'),
        '--exec-root',
        path.join(this.dir, 'x'),
        '--pidfile',
        path.join(this.dir, 'docker.pid'),
        '-H',
        this.host,
      ],
      path.join(this.dir, 'dockerd.log'),
    );
    const child = this.child;
    // An engine that exits says so at once, rather than after the whole wait.
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`dockerd exited (${child.exitCode}); see ${this.dir}/dockerd.log`);
        return this.client()
          .ping()
          .then(
            () => true,
            () => false,
          );
      },
      Boolean,
      `the private dockerd at ${this.socket}`,
      60_000,
      200,
    );
  }

  /** A clean engine stop: it stops the containers first (restart policies bring them back on start). */
  async stop(): Promise<void> {
    if (this.child) await terminate(this.child, 'SIGTERM', 30_000);
    this.child = null;
  }

  /** A crash: SIGKILL. Its containerd goes with it; containers are found exited on the next start. */
  async kill(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGKILL');
    await exited(this.child);
    this.child = null;
  }

  /** Frozen: connections are accepted by the kernel but nothing answers (a hung engine). */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async loadImage(ref: string): Promise<void> {
    await run('sh', ['-c', `docker save "$1" | docker -H "$2" load`, 'sh', ref, this.host]);
  }

  /** Stops the engine and removes everything it had (containers, volumes, its folders). */
  async destroy(): Promise<void> {
    if (this.child) {
      this.resume();
      const docker = this.client();
      for (const c of await docker.listContainers({ all: true }).catch(() => []))
        await docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined);
      await this.stop();
    }
    await this.wipe();
    await run('ip', ['netns', 'del', this.namespace]).catch(() => undefined);
  }

  private async ensureNamespace(): Promise<void> {
    if (fs.existsSync(`/var/run/netns/${this.namespace}`)) return;
    await run('ip', ['netns', 'add', this.namespace]);
    // Published ports bind 127.0.0.1 inside the namespace.
    await run('ip', ['netns', 'exec', this.namespace, 'ip', 'link', 'set', 'lo', 'up']);
  }

  /**
   * After a kill, dockerd's and containerd's pid files remain in the exec root (a reboot would
   * clear them, /run being tmpfs). A pid file naming a dead or zombie process (this sandbox's init
   * does not always reap) would make the new dockerd wait forever for "containerd still running".
   */
  private clearStalePidFiles(): void {
    for (const file of [path.join(this.dir, 'docker.pid'), path.join(this.dir, 'x', 'containerd', 'containerd.pid')]) {
      const pid = Number(fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : NaN);
      if (Number.isInteger(pid) && !isLive(pid)) fs.rmSync(file, { force: true });
    }
  }

  /** Clears what a crashed earlier run may have left: its processes, mounts and folders. */
  private async wipe(): Promise<void> {
    await run('pkill', ['-KILL', '-f', this.dir]).catch(() => undefined); // exits 1 when nothing matched
    const mounts = fs
      .readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '')
      .filter((m) => m.startsWith(this.dir));
    for (const mount of mounts.reverse()) await run('umount', ['-l', mount]).catch(() => undefined);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Running and not a zombie. */
function isLive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

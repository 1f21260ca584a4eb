import { TOOLS_DIR, TOOLS_VOLUME, volumeName } from './docker-objects.js';
import { type WorkspaceRuntimeSpec } from './runtime.driver.js';

/**
 * Docker create options for a workspace container. Every security-relevant default lives here,
 * in one pure function, so it is reviewed and unit-tested in one place.
 */
export interface HardenedCreateOptions {
  Image: string;
  User: string;
  Hostname: string;
  WorkingDir: string;
  Env: string[];
  Cmd: string[];
  Labels: Record<string, string>;
  ExposedPorts: Record<string, object>;
  StopTimeout: number;
  HostConfig: {
    Mounts: {
      Type: 'volume';
      Source: string;
      Target: string;
      ReadOnly?: boolean;
      VolumeOptions?: { NoCopy: boolean };
    }[];
    SecurityOpt: string[];
    CapDrop: string[];
    CapAdd: string[];
    Init: boolean;
    Privileged: false;
    PidsLimit: number;
    Memory: number;
    MemorySwap: number;
    NanoCpus: number;
    NetworkMode: string;
    PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
    RestartPolicy: { Name: string };
    LogConfig: { Type: string; Config: Record<string, string> };
  };
}

/**
 * Keeps the container alive with no busy work when the template names no command; the init
 * process forwards SIGTERM to it. Berth's own static busybox, so the image needs no `sleep`.
 */
export const DEFAULT_COMMAND = [`${TOOLS_DIR}/busybox`, 'sleep', '2147483647'];

export function hardenedCreateOptions(
  ws: WorkspaceRuntimeSpec,
  labels: Record<string, string>,
  network: string,
): HardenedCreateOptions {
  const { spec } = ws;
  const memory = spec.resources.memoryMb * 1024 * 1024;
  const env = { ...spec.env, HOME: spec.homePath, ...ws.env };
  return {
    Image: ws.image,
    User: spec.user,
    Hostname: ws.hostname,
    WorkingDir: spec.homePath,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Cmd: spec.command ?? DEFAULT_COMMAND,
    Labels: labels,
    ExposedPorts: Object.fromEntries(spec.ports.map((p) => [`${p.port}/tcp`, {}])),
    StopTimeout: 10,
    HostConfig: {
      Mounts: [
        // NoCopy: the volume was filled and given to the user when it was prepared. Without it the
        // engine copies the image's homePath into a still-empty volume at every start, ownership
        // included, undoing the preparation (seen with a minimal image that has no homePath).
        { Type: 'volume', Source: volumeName(ws.workspaceId), Target: spec.homePath, VolumeOptions: { NoCopy: true } },
        // Berth's toolset, read-only (already filled, so the engine copies nothing of the image into it).
        { Type: 'volume', Source: TOOLS_VOLUME, Target: TOOLS_DIR, ReadOnly: true },
      ],
      SecurityOpt: ['no-new-privileges:true'],
      CapDrop: ['ALL'],
      CapAdd: [...spec.capAdd],
      Init: true,
      Privileged: false,
      PidsLimit: spec.resources.pidsLimit,
      Memory: memory,
      // Equal to Memory: no swap on top of the limit, so the limit means what it says.
      MemorySwap: memory,
      NanoCpus: Math.round(spec.resources.cpus * 1e9),
      NetworkMode: network,
      // Published on loopback only; the host port is chosen by Docker and read back after start.
      PortBindings: Object.fromEntries(
        spec.ports.map((p) => [`${p.port}/tcp`, [{ HostIp: '127.0.0.1', HostPort: '' }]]),
      ),
      // Comes back after an engine restart; a user's stop removes the container anyway.
      RestartPolicy: { Name: 'unless-stopped' },
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
    },
  };
}

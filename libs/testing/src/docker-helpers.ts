import Docker from 'dockerode';
import { PassThrough } from 'node:stream';

export const testDocker = (): Docker => new Docker();

/** Runs a command in a container through the Docker API and returns stdout (throws on non-zero). */
export async function dockerExec(
  containerId: string,
  cmd: string[],
  user = '1000:1000',
  docker = testDocker(),
): Promise<string> {
  const exec = await docker
    .getContainer(containerId)
    .exec({ Cmd: cmd, User: user, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c));
  docker.modem.demuxStream(stream, stdout, stderr);
  await new Promise((resolve) => stream.on('end', resolve));
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0) throw new Error(`${cmd.join(' ')} exited ${ExitCode}: ${Buffer.concat(err).toString()}`);
  return Buffer.concat(out).toString();
}

/** Containers Berth created for one workspace, found the way Berth finds them: by label. */
export async function containersOf(workspaceId: string, docker = testDocker()): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`berth.workspace.id=${workspaceId}`] } });
}

export async function volumesOf(workspaceId: string, docker = testDocker()): Promise<Docker.VolumeInspectInfo[]> {
  const { Volumes } = await docker.listVolumes({ filters: { label: [`berth.workspace.id=${workspaceId}`] } });
  return Volumes ?? [];
}

/** Removes every container, volume and network of one installation (by its berth.instance label). */
export async function removeInstanceObjects(instance: string, docker = testDocker()): Promise<void> {
  const filters = { label: ['berth.managed=true', `berth.instance=${instance}`] };
  // Swarm services first (BERTH_RUNTIME=swarm): they would otherwise make their containers again.
  const swarm = (await docker.info()) as { Swarm?: { ControlAvailable?: boolean } };
  if (swarm.Swarm?.ControlAvailable)
    for (const s of await docker.listServices({ filters }))
      await docker
        .getService(s.ID)
        .remove()
        .catch(() => undefined);
  for (const c of await docker.listContainers({ all: true, filters }))
    await docker
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => undefined);
  const { Volumes } = await docker.listVolumes({ filters });
  for (const v of Volumes ?? [])
    await docker
      .getVolume(v.Name)
      .remove()
      .catch(() => undefined);
  for (const n of await docker.listNetworks({ filters }))
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => undefined);
}

/** Reads one file of a workspace's home volume with a throwaway container (no network, read-only). */
export async function readFromVolume(workspaceId: string, file: string, docker = testDocker()): Promise<string> {
  const reader = await docker.createContainer({
    Image: 'berth/busybox:test',
    Cmd: ['cat', `/v/${file}`],
    HostConfig: { Binds: [`berth-ws-${workspaceId}-home:/v:ro`], NetworkMode: 'none' },
  });
  try {
    await reader.start();
    const { StatusCode } = (await reader.wait()) as { StatusCode: number };
    const out: Buffer[] = [];
    const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
    const logs = await reader.logs({ stdout: true, follow: true });
    docker.modem.demuxStream(logs, stdout, new PassThrough());
    await new Promise((resolve) => logs.on('end', resolve));
    if (StatusCode !== 0) throw new Error(`cat ${file} exited ${StatusCode}`);
    return Buffer.concat(out).toString();
  } finally {
    await reader.remove({ force: true });
  }
}

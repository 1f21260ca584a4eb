import { readFile, readdir } from 'node:fs/promises';
import type Docker from 'dockerode';

/**
 * Ends a `docker exec` process and what it started. The engine has no call for that: closing the
 * attach stream leaves the process running (a closed terminal kept its shell and children; an
 * abandoned exec kept printing). The exec's inspect gives its host PID; when the engine runs on
 * this host, Berth signals that process, its descendants and every process of its session and
 * process group (a TTY exec is a session leader, so background jobs of a shell go too).
 *
 * Safety: a PID is only signalled after /proc shows it inside that container's cgroup, so a
 * remote engine (whose PIDs mean nothing here) or a reused PID never hits a host process.
 * Returns how many processes were signalled (0 when the engine is remote or the exec is done).
 */
export async function endExecProcesses(exec: Docker.Exec, containerId: string): Promise<number> {
  let pid: number;
  try {
    const info = (await exec.inspect()) as { Running?: boolean; Pid?: number };
    if (!info.Running || !info.Pid) return 0;
    pid = info.Pid;
  } catch {
    return 0;
  }
  const table = await processTable();
  const leader = table.get(pid);
  if (!leader || !(await inContainer(pid, containerId))) return 0;
  const chosen = new Set<number>([pid]);
  // Descendants by parent, plus the leader's session and process group (re-parented orphans).
  let grew = true;
  while (grew) {
    grew = false;
    for (const [other, stat] of table) {
      if (chosen.has(other)) continue;
      if (chosen.has(stat.ppid) || stat.session === pid || stat.pgrp === pid) {
        chosen.add(other);
        grew = true;
      }
    }
  }
  let signalled = 0;
  for (const target of chosen) {
    if (!(await inContainer(target, containerId))) continue;
    try {
      process.kill(target, 'SIGKILL');
      signalled += 1;
    } catch {
      // Already gone.
    }
  }
  return signalled;
}

interface ProcStat {
  ppid: number;
  pgrp: number;
  session: number;
}

async function processTable(): Promise<Map<number, ProcStat>> {
  const table = new Map<number, ProcStat>();
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return table;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(entry), {
        ppid: Number(fields[1]),
        pgrp: Number(fields[2]),
        session: Number(fields[3]),
      });
    } catch {
      // Exited while listing.
    }
  }
  return table;
}

async function inContainer(pid: number, containerId: string): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/cgroup`, 'utf8')).includes(containerId);
  } catch {
    return false;
  }
}

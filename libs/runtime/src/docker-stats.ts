import { type ContainerStats } from './stats.js';

interface RawStats {
  cpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number };
  memory_stats: { usage?: number; limit?: number; stats?: { cache?: number; inactive_file?: number } };
}

/** Docker's one-shot stats turned into what a person reads: CPU % (of one core = 100) and memory. */
export function summariseStats(raw: RawStats): ContainerStats {
  const cpuDelta = raw.cpu_stats.cpu_usage.total_usage - raw.precpu_stats.cpu_usage.total_usage;
  const systemDelta = (raw.cpu_stats.system_cpu_usage ?? 0) - (raw.precpu_stats.system_cpu_usage ?? 0);
  const cpus = raw.cpu_stats.online_cpus ?? 1;
  const cpuPercent = cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  // Page cache is reclaimable; `docker stats` subtracts it too.
  const cache = raw.memory_stats.stats?.inactive_file ?? raw.memory_stats.stats?.cache ?? 0;
  return {
    cpuPercent: Math.round(cpuPercent * 10) / 10,
    memoryBytes: Math.max(0, (raw.memory_stats.usage ?? 0) - cache),
    memoryLimitBytes: raw.memory_stats.limit ?? 0,
  };
}

/** A workspace's resource use now, as the driver reports it (engine-neutral). */
export interface ContainerStats {
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
}

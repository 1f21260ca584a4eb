import { type BenchClient } from './berth-client.js';
import { type RawDocker } from './raw-docker.js';

/** How much of each scenario to run: the full bench, or the smoke run that `npm test` makes. */
export interface Sizes {
  coldRounds: number;
  /** Warm start rounds: one claim of a warm pool slot and one raw create+start each. */
  warmRounds: number;
  restartRounds: number;
  rebuildRounds: number;
  burstUsers: number;
  burstPerUser: number;
  scaleUsers: number;
  scaleRows: number;
  scaleRunning: number;
  listRounds: number;
  autocannonSeconds: number;
  autocannonConnections: number;
  sseStreams: number;
  reconcilePasses: number;
}

export const FULL: Sizes = {
  coldRounds: 15,
  warmRounds: 15,
  restartRounds: 10,
  rebuildRounds: 10,
  burstUsers: 10,
  burstPerUser: 5,
  scaleUsers: 20,
  scaleRows: 2000,
  scaleRunning: 200,
  listRounds: 40,
  autocannonSeconds: 10,
  autocannonConnections: 50,
  sseStreams: 1000,
  reconcilePasses: 3,
};

export const SMOKE: Sizes = {
  coldRounds: 1,
  warmRounds: 1,
  restartRounds: 1,
  rebuildRounds: 1,
  burstUsers: 2,
  burstPerUser: 1,
  scaleUsers: 1,
  scaleRows: 4,
  scaleRunning: 1,
  listRounds: 2,
  autocannonSeconds: 1,
  autocannonConnections: 2,
  sseStreams: 3,
  reconcilePasses: 1,
};

export interface BenchContext {
  baseUrl: string;
  /** Creates templates and users. */
  admin: BenchClient;
  /** Owns the workspaces of the single-workspace scenarios (the admin, or a developer in the smoke run). */
  owner: BenchClient;
  raw: RawDocker;
  sizes: Sizes;
  image: string;
  databaseUrl: string;
  instance: string;
  /** The worker's metrics listener (reconciler passes); absent: not measured. */
  workerMetricsUrl?: string;
  /** Process ids of the API and the worker (RSS); absent: not measured. */
  pids?: { api: number; worker: number };
  log: (line: string) => void;
}

export * from './run.js';
export * from './private-postgres.js';
export * from './private-redis.js';
export * from './private-dockerd.js';
export * from './docker-fault-proxy.js';
export * from './berth-under-test.js';

export * from './label-limit.js';
export * from './metrics.js';
export * from './metrics-access.js';
export * from './metrics-server.js';

export * from './redis-connection.js';
export * from './queue.module.js';
export * from './workspace-jobs.producer.js';
export * from './workspace-events.js';
export * from './template-builds.producer.js';
export * from './snapshot-jobs.producer.js';
export * from './transition-builder.js';

export * from './config.schema.js';
export * from './load-config.js';
export * from './config.module.js';
export * from './logger-options.js';
export * from './redis-keys.js';

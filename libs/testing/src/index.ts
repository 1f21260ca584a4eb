export * from './wait-for.js';
export * from './api-client.js';
export * from './docker-helpers.js';
export * from './fake-runtime.driver.js';
export * from './berth-processes.js';
export * from './event-stream.js';
export * from './lab/index.js';
export * from './ssh-keys.js';

export * from './runtime.driver.js';
export * from './hardening.js';
export * from './docker.driver.js';
export * from './docker-errors.js';
export * from './line-splitter.js';
export * from './runtime.module.js';
export * from './image-builder.js';
export * from './terminal.js';

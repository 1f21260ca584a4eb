export * from './errors.js';
export * from './workspace-state.js';
export * from './template-spec.js';
export * from './docker-objects.js';
export * from './jobs.js';
export * from './names.js';

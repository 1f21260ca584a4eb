export * from './records.js';
export * from './prisma.service.js';
export * from './users.repository.js';
export * from './tokens.repository.js';
export * from './templates.repository.js';
export * from './workspaces.repository.js';
export * from './builds.repository.js';
export * from './persistence.module.js';

export * from './passwords.js';
export * from './token-secret.js';
export * from './authenticated-user.js';
export * from './decorators.js';
export * from './authentication.guard.js';
export * from './roles.guard.js';
export * from './local-login.guard.js';
export * from './auth.module.js';

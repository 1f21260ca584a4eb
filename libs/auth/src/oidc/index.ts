export * from './oidc-rules.js';
export * from './oidc-settings.js';
export * from './oidc.strategy.js';
export * from './oidc-authenticator.js';
export * from './oidc.module.js';

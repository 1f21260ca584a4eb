// Generic helpers with no Berth knowledge (no #domain, no Nest): any lib or app may import them,
// and this lib imports nothing of Berth's. See docs/architecture.md.
export * from './abort.js';
export * from './retry.js';

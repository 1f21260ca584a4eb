/** A workspace name becomes a hostname: it must be a DNS label. */
export const WORKSPACE_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

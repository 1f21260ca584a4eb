export const BEGIN_MARKER = '# ------------START-BERTH-----------';
export const END_MARKER = '# ------------END-BERTH------------';

/** One `Host berth-<workspace>` entry per workspace, reached through `berth ssh --stdio`. */
export function berthSshBlock(workspaces: readonly string[], proxyCommand: (workspace: string) => string): string {
  const hosts = [...workspaces].sort().map((name) =>
    [
      `Host berth-${name}`,
      `  HostName ${name}.berth`,
      `  User ${name}`,
      `  ProxyCommand ${proxyCommand(name)}`,
      `  ForwardAgent yes`,
      // One gateway host key for every workspace: recorded once under one name.
      `  HostKeyAlias berth-gateway`,
    ].join('\n'),
  );
  return [
    BEGIN_MARKER,
    '# Written by `berth config-ssh`; edits between these markers are replaced.',
    ...hosts,
    END_MARKER,
  ].join('\n');
}

/**
 * The config with Berth's block replaced (or appended): text outside the markers is kept as it
 * is, so running `berth config-ssh` again leaves exactly one block.
 */
export function replaceBerthBlock(config: string, block: string): string {
  const start = config.indexOf(BEGIN_MARKER);
  const end = config.indexOf(END_MARKER);
  if (start >= 0 && end > start) {
    return `${config.slice(0, start)}${block}${config.slice(end + END_MARKER.length)}`;
  }
  const sep = config.length === 0 || config.endsWith('\n\n') ? '' : config.endsWith('\n') ? '\n' : '\n\n';
  return `${config}${sep}${block}\n`;
}

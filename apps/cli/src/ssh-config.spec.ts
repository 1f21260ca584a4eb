import { BEGIN_MARKER, berthSshBlock, END_MARKER, replaceBerthBlock } from './ssh-config.js';

describe('berth config-ssh block', () => {
  const proxy = (ws: string): string => `berth ssh --stdio ${ws}`;

  it('writes one Host entry per workspace with its ProxyCommand', () => {
    const block = berthSshBlock(['b', 'a'], proxy);
    expect(block.startsWith(BEGIN_MARKER)).toBe(true);
    expect(block.endsWith(END_MARKER)).toBe(true);
    expect(block.indexOf('Host berth-a')).toBeLessThan(block.indexOf('Host berth-b'));
    expect(block).toContain('  ProxyCommand berth ssh --stdio a');
    expect(block).toContain('  User a');
  });

  it('replaces its own block and keeps everything else; twice gives the same file', () => {
    const mine = 'Host work\n  HostName example.test\n';
    const once = replaceBerthBlock(mine, berthSshBlock(['a'], proxy));
    const twice = replaceBerthBlock(once, berthSshBlock(['a', 'c'], proxy));
    expect(twice.startsWith(mine)).toBe(true);
    expect(twice.split(BEGIN_MARKER)).toHaveLength(2);
    expect(twice).toContain('Host berth-c');
    expect(replaceBerthBlock(twice, berthSshBlock(['a', 'c'], proxy))).toBe(twice);
    const after = `${twice}Host later\n`;
    expect(replaceBerthBlock(after, berthSshBlock([], proxy))).toContain('Host later\n');
  });
});

import { allowlistProblems, imageAllowed, parseAllowlist } from './image-allowlist.js';

describe('image allowlist', () => {
  const patterns = parseAllowlist(' berth/* , 127.0.0.1:5000/team/*,debian:bookworm ');

  it.each([
    ['berth/debian:bookworm', true],
    ['berth/busybox:test', true],
    ['127.0.0.1:5000/team/node:20', true],
    ['127.0.0.1:5000/team/node@sha256:' + 'a'.repeat(64), true],
    ['debian:bookworm', true],
    ['debian:trixie', false],
    ['evil/berth:1', false],
    ['127.0.0.1:5000/other/node:20', false],
    ['berthx/image:1', false],
  ])('%s → %s', (ref, allowed) => {
    expect(imageAllowed(ref, patterns)).toBe(allowed);
  });

  it('`*` allows everything', () => {
    expect(imageAllowed('anything/at:all', ['*'])).toBe(true);
  });

  it('reports the field of each image outside the list', () => {
    expect(allowlistProblems({ image: 'evil/x:1' }, patterns)).toEqual([
      {
        field: 'spec.image',
        message: 'image evil/x:1 is not in the allowlist (berth/*, 127.0.0.1:5000/team/*, debian:bookworm)',
      },
    ]);
    expect(allowlistProblems({ build: { dockerfile: 'FROM evil/x:1', files: {}, args: {} } }, patterns)).toEqual([
      {
        field: 'spec.build.dockerfile',
        message: 'line 1: FROM evil/x:1 is not in the allowlist (berth/*, 127.0.0.1:5000/team/*, debian:bookworm)',
      },
    ]);
    expect(allowlistProblems({ build: { dockerfile: 'RUN true', files: {}, args: {} } }, patterns)[0]?.message).toBe(
      'the Dockerfile has no FROM line',
    );
    expect(allowlistProblems({ image: 'berth/debian:bookworm' }, patterns)).toEqual([]);
  });
});

import { specChanges } from './spec-compare.js';

describe('berth templates diff', () => {
  it('finds nothing between equal specs, whatever the key order', () => {
    expect(specChanges({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it('names each changed, added and removed leaf by its path', () => {
    expect(specChanges({ env: { A: '1', B: '2' }, ports: [{ port: 80 }] }, { env: { A: '3' }, ports: [] })).toEqual([
      { path: 'env.A', from: '1', to: '3' },
      { path: 'env.B', from: '2', to: undefined },
      { path: 'ports[0]', from: { port: 80 }, to: undefined },
    ]);
  });
});

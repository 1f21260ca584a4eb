import { DOORS } from '#auth';
import { IDEMPOTENT_POSTS, OTHER_POSTS } from './idempotent-routes.js';
import { canonicalJson, hashRequest, seal, unseal } from './idempotency-seal.js';

describe('Idempotency-Key routes', () => {
  it('every POST door is classified: creating (takes Idempotency-Key) or not, never both', () => {
    const posts = Object.keys(DOORS).filter((k) => k.startsWith('POST '));
    const unclassified = posts.filter((k) => !IDEMPOTENT_POSTS.has(k) && !OTHER_POSTS.has(k));
    expect(unclassified).toEqual([]);
    expect([...IDEMPOTENT_POSTS].filter((k) => OTHER_POSTS.has(k))).toEqual([]);
    // Nothing listed that is not a door (a renamed route would silently lose its idempotency).
    expect([...IDEMPOTENT_POSTS, ...OTHER_POSTS].filter((k) => !posts.includes(k))).toEqual([]);
  });
});

describe('idempotent answers', () => {
  it('the same request in any key order has one hash; another body or path another', () => {
    const a = hashRequest('POST', '/api/v1/workspaces', { name: 'a', templateId: 't', parameters: { x: 1, y: 2 } });
    const b = hashRequest('POST', '/api/v1/workspaces', { parameters: { y: 2, x: 1 }, templateId: 't', name: 'a' });
    expect(a).toBe(b);
    expect(hashRequest('POST', '/api/v1/workspaces', { name: 'b', templateId: 't' })).not.toBe(a);
    expect(hashRequest('POST', '/api/v1/tokens', { name: 'a', templateId: 't' })).not.toBe(
      hashRequest('POST', '/api/v1/workspaces', { name: 'a', templateId: 't' }),
    );
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });

  it('a sealed answer opens only with the same key and user', () => {
    const sealed = seal({ token: 'berth_secret' }, 'key-1', 'user-1');
    expect(sealed.includes(Buffer.from('berth_secret'))).toBe(false);
    expect(unseal(sealed, 'key-1', 'user-1')).toEqual({ token: 'berth_secret' });
    expect(() => unseal(sealed, 'key-2', 'user-1')).toThrow();
    expect(() => unseal(sealed, 'key-1', 'user-2')).toThrow();
  });
});

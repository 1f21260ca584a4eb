import { LabelLimit, OTHER } from './label-limit.js';
import { isLoopback, metricsAllowed } from './metrics-access.js';

describe('who may read /metrics', () => {
  const token = 'a-metrics-token-0123456789';

  it('loopback peers, IPv4 (all of 127/8), IPv6 and IPv4-mapped, need no token', () => {
    for (const peer of ['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1']) expect(isLoopback(peer)).toBe(true);
    expect(metricsAllowed('127.0.0.1', undefined, undefined)).toBe(true);
  });

  it('any other peer is refused without the token, whatever else it sends', () => {
    for (const peer of ['10.0.0.1', '203.0.113.7', '::ffff:10.0.0.1', 'fe80::1', '128.0.0.1', '', undefined])
      expect(metricsAllowed(peer, undefined, token)).toBe(false);
    expect(metricsAllowed('203.0.113.7', `Bearer ${token}x`, token)).toBe(false);
    expect(metricsAllowed('203.0.113.7', 'Bearer ', token)).toBe(false);
    expect(metricsAllowed('203.0.113.7', token, token)).toBe(false);
    // No token configured: nothing but loopback, even an empty bearer.
    expect(metricsAllowed('203.0.113.7', 'Bearer ', undefined)).toBe(false);
  });

  it('the token admits any peer', () => {
    expect(metricsAllowed('203.0.113.7', `Bearer ${token}`, token)).toBe(true);
  });
});

describe('label cardinality limit', () => {
  it('keeps the first values and folds the rest into "other"', () => {
    const limit = new LabelLimit(2);
    expect([limit.value('a'), limit.value('b'), limit.value('c'), limit.value('a')]).toEqual(['a', 'b', OTHER, 'a']);
  });
});

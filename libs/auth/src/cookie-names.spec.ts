import { berthCookies } from './cookie-names.js';

describe('berthCookies', () => {
  it('uses the __Host- prefix when the portal is served over https', () => {
    expect(berthCookies({ BERTH_PUBLIC_URL: 'https://berth.example.com' })).toEqual({
      session: '__Host-berth_session',
      csrf: '__Host-berth_csrf',
      hostPrefixed: true,
    });
  });
  it('keeps the bare names over http or without a public URL', () => {
    for (const url of ['http://localhost:8080', undefined])
      expect(berthCookies({ BERTH_PUBLIC_URL: url })).toEqual({
        session: 'berth_session',
        csrf: 'berth_csrf',
        hostPrefixed: false,
      });
  });
});

/**
 * Just enough of a browser for single sign-on tests: real HTTP (fetch), redirects followed by
 * hand so every hop can be checked, and one cookie jar for 127.0.0.1 (cookies ignore ports, so
 * Berth's and the IdP's cookies share it, as they would in a real browser). Attributes other than
 * expiry are ignored: both servers are trusted test fixtures.
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  async request(
    url: string,
    init: {
      method?: 'GET' | 'POST';
      form?: Record<string, string>;
      body?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      body: init.form ? new URLSearchParams(init.form).toString() : init.body,
    });
    for (const line of res.headers.getSetCookie()) this.store(line);
    return res;
  }

  private store(line: string): void {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some(
      (a) =>
        /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') < Date.now()),
    );
    if (expired || value === '') this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

/**
 * The whole sign-in as a person would do it: Berth's login route → the IdP's authorization
 * endpoint → its sign-in step, answered as `login` → back to the IdP → Berth's callback. Returns
 * the callback's response (a 302 to `/` with a session, or a refusal), not following it further.
 */
export async function signInWithIdp(browser: Browser, berthUrl: string, login: string): Promise<Response> {
  const callback = `${berthUrl}/api/v1/auth/oidc/callback`;
  let url = new URL(`${berthUrl}/api/v1/auth/oidc/login`);
  for (let hop = 0; hop < 10; hop++) {
    if (url.href.startsWith(callback)) return browser.request(url.href);
    const res = url.pathname.startsWith('/interaction/')
      ? await browser.request(url.href, { method: 'POST', form: { login } })
      : await browser.request(url.href);
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location)
      throw new Error(`sign-in as ${login} stopped at ${url.href}: ${res.status} ${await res.text()}`);
    url = new URL(location, url);
  }
  throw new Error(`sign-in as ${login}: too many redirects`);
}

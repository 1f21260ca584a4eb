import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { type ApiClient, testBaseUrl, uniqueName, waitFor } from '#testing';

/**
 * Shared helpers of the browser journeys: Debian's Chromium driven by playwright-core against
 * the real API + worker that test/setup/global-setup starts, serving the built portal.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve('test/browser/screenshots');
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function launch(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/browser.sh`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface TrackedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors, except those a test declared expected. */
  errors: string[];
  /** Declare console errors the test provokes on purpose (e.g. a refused WebSocket). */
  expect(pattern: RegExp): void;
}

/** A fresh browser context (own cookies) whose console errors are collected for the test to assert on. */
export async function openPage(browser: Browser, viewport = DESKTOP): Promise<TrackedPage> {
  const context = await browser.newContext({
    viewport,
    baseURL: testBaseUrl(),
    locale: 'en-GB',
    timezoneId: 'Europe/Berlin',
  });
  const page = await context.newPage();
  // A navigation that Chromium aborts with ERR_NETWORK_CHANGED (Docker changed the host's
  // interfaces for another suite at that moment) is sent again, at most twice: the abort is the
  // machine's doing. Any other failure, and any answer the server gave, is the test's to judge.
  const navigate = page.goto.bind(page);
  page.goto = async (url, options) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await navigate(url, options);
      } catch (error) {
        if (attempt >= 3 || !/net::ERR_NETWORK_CHANGED/.test(String(error))) throw error;
      }
    }
  };
  // Chromium aborts requests in flight with ERR_NETWORK_CHANGED whenever the host's interfaces
  // change, which Docker does as other suites create networks and containers: the machine's doing,
  // not the portal's (its requests are repeated on the next refresh).
  const allowed: RegExp[] = [/net::ERR_NETWORK_CHANGED/];
  const errors: string[] = [];
  const record = (text: string) => {
    if (!allowed.some((p) => p.test(text))) errors.push(text);
  };
  page.on('console', (msg) => {
    if (msg.type() === 'error') record(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (error) => record(`page error: ${error.message}`));
  return { context, page, errors, expect: (p) => allowed.push(p) };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

export async function signInUi(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'attached' });
}

/** A developer with a known password (the portal signs in with a password). */
export async function createDeveloperAccount(
  admin: ApiClient,
): Promise<{ id: string; email: string; password: string }> {
  const email = `${uniqueName('dev')}@berth.test`;
  const password = 'developer-password-1';
  const res = await admin.post('/users', { email, name: 'Browser Developer', password, role: 'developer' });
  if (res.status !== 201) throw new Error(`creating developer failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: (res.body as { id: string }).id, email, password };
}

export const BUSYBOX_SPEC = {
  image: 'berth/busybox:test',
  user: '1000:1000',
  homePath: '/home/dev',
  resources: { cpus: 1, memoryMb: 256, pidsLimit: 256 },
  parameters: [{ name: 'cpus', kind: 'number', min: 0.5, max: 2, default: 1 }],
};

/** A template on the busybox test image, created through the API and ready to use. */
export async function createBusyboxTemplate(
  admin: ApiClient,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; name: string }> {
  const name = uniqueName('tpl');
  const res = await admin.post('/templates', {
    name,
    description: 'Busybox for browser tests',
    spec: { ...BUSYBOX_SPEC, ...extra },
  });
  if (res.status !== 201) throw new Error(`creating template failed: ${res.status} ${JSON.stringify(res.body)}`);
  const id = (res.body as { id: string }).id;
  await waitForVersionReady(admin, id, 1);
  return { id, name };
}

export async function waitForVersionReady(admin: ApiClient, templateId: string, version: number): Promise<void> {
  const v = await waitFor(
    async () =>
      (await admin.get(`/templates/${templateId}/versions/${version}`)).body as {
        status: string;
        buildError: string | null;
      },
    (x) => x.status === 'ready' || x.status === 'failed',
    `template ${templateId} v${version} to be ready`,
    120_000,
  );
  if (v.status !== 'ready') throw new Error(`template version failed: ${v.buildError}`);
}

/** The visible text of the active xterm.js terminal (DOM renderer), trailing spaces trimmed per line. */
export async function terminalText(page: Page): Promise<string> {
  const rows = page.locator('.terminal-panel:not([hidden]) .xterm-rows');
  return (await rows.innerText())
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

/** Types a command into the active terminal and waits until `expected` appears in its output. */
export async function runInTerminal(page: Page, command: string, expected: RegExp, timeoutMs = 20_000): Promise<void> {
  await page.locator('.terminal-panel:not([hidden]) .conn-open').waitFor({ timeout: 30_000 });
  await page.locator('.terminal-panel:not([hidden]) .xterm').click();
  await page.keyboard.type(`${command}\n`);
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await terminalText(page);
    if (expected.test(text)) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`terminal never showed ${expected}; it shows:\n${text}`);
}

/**
 * Registers a suite's browser lifecycle: one Chromium for the file, a fresh tracked page (its own
 * context) for every test. Call it first in `describe` so its hooks run before the suite's own.
 */
export function browserSuite(): { readonly browser: Browser; readonly tracked: TrackedPage } {
  let browser: Browser | undefined;
  let tracked: TrackedPage | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    tracked = await openPage(browser!);
  });
  afterEach(async () => {
    await tracked?.context.close();
  });
  return {
    get browser(): Browser {
      return browser!;
    },
    get tracked(): TrackedPage {
      return tracked!;
    },
  };
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Credentials {
  url: string;
  token: string;
}

/** Where `berth login` keeps the URL and token (mode 600): $XDG_CONFIG_HOME/berth/credentials.json. */
export function credentialsFile(): string {
  const base = process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config');
  return path.join(base, 'berth', 'credentials.json');
}

/** BERTH_URL and BERTH_TOKEN win over what `berth login` saved. */
export function loadCredentials(): Credentials {
  let saved: Partial<Credentials> = {};
  try {
    saved = JSON.parse(fs.readFileSync(credentialsFile(), 'utf8')) as Partial<Credentials>;
  } catch {
    // not logged in yet: the environment may still say everything
  }
  const url = process.env.BERTH_URL ?? saved.url;
  const token = process.env.BERTH_TOKEN ?? saved.token;
  if (!url || !token) throw new Error('not logged in: run `berth login` or set BERTH_URL and BERTH_TOKEN');
  return { url: url.replace(/\/+$/, ''), token };
}

export function saveCredentials(c: Credentials): void {
  const file = credentialsFile();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

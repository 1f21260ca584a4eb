import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestSshKey {
  /** Path of the private key file (mode 600), for `ssh -i`. */
  path: string;
  publicKey: string;
  /** As `ssh-keygen -l` prints it: `SHA256:...`. */
  fingerprint: string;
}

/** A fresh key pair made by OpenSSH's own ssh-keygen, in a private temporary folder. */
export function makeSshKey(type: 'ed25519' | 'ecdsa' | 'rsa' | 'dsa' = 'ed25519', bits?: number): TestSshKey {
  const dir = mkdtempSync(join(tmpdir(), 'berth-ssh-key-'));
  const path = join(dir, 'id');
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(bits ? ['-b', String(bits)] : []),
    '-N',
    '',
    '-C',
    'test@berth',
    '-f',
    path,
  ]);
  const publicKey = readFileSync(`${path}.pub`, 'utf8').trim();
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${path}.pub`], {
    encoding: 'utf8',
  }).split(' ')[1]!;
  return { path, publicKey, fingerprint };
}

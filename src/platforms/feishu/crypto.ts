/**
 * Feishu's webhook cryptography, on `node:crypto` (available on Node and on Workers with nodejs_compat).
 *
 * - Encrypted bodies are `{"encrypt": base64(iv ‖ AES-256-CBC(PKCS7(json)))}` with
 *   key = SHA-256(Encrypt Key) and a random 16-byte IV.
 * - Signatures are lowercase hex SHA-256(timestamp + nonce + encryptKey + raw body bytes): a plain hash,
 *   not an HMAC, taken over the bytes as received (never a re-serialised body).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

let lastKey: { encryptKey: string; key: Buffer } | undefined;

/** SHA-256 of the Encrypt Key; an app has one, so the last one is kept rather than hashed per request. */
function aesKey(encryptKey: string): Buffer {
  if (lastKey?.encryptKey !== encryptKey) lastKey = { encryptKey, key: createHash('sha256').update(encryptKey, 'utf8').digest() };
  return lastKey.key;
}

/** Decrypts an `encrypt` field. Throws on bad base64, a short payload or bad padding. */
export function decryptFeishu(encrypted: string, encryptKey: string): string {
  const buf = Buffer.from(encrypted, 'base64');
  if (buf.length < 32 || (buf.length - 16) % 16 !== 0) throw new Error('ciphertext has a bad length');
  const decipher = createDecipheriv('aes-256-cbc', aesKey(encryptKey), buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

/** The inverse of {@link decryptFeishu}; `iv` is random unless given (tests). */
export function encryptFeishu(plaintext: string, encryptKey: string, iv: Buffer = randomBytes(16)): string {
  const cipher = createCipheriv('aes-256-cbc', aesKey(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

/** hex SHA-256(timestamp + nonce + encryptKey + rawBody). */
export function feishuSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Uint8Array): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey, 'utf8').update(rawBody).digest('hex');
}

/** Constant-time string equality (lengths are compared first; only the length leaks). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

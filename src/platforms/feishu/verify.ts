/**
 * Verification of Feishu webhook requests (events and card callbacks), done here rather than by the
 * SDK: the SDK hashes a re-serialised body and never checks the Verification Token.
 *
 * Order: parse → signature (when an Encrypt Key is configured and the request is signed) → decrypt →
 * url_verification (unsigned by design, but its token must match) → signature required → token.
 */
import { decryptFeishu, feishuSignature, safeEqual } from './crypto.ts';

export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export type FeishuVerifyErrorKind =
  | 'malformed'
  | 'no_encrypt_key'
  | 'decrypt_failed'
  | 'missing_signature'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'bad_token';

/** A request that must be refused. `status` is what the route answers (400 malformed, 401 unauthentic). */
export class FeishuVerifyError extends Error {
  override name = 'FeishuVerifyError';
  readonly status: 400 | 401;
  constructor(readonly kind: FeishuVerifyErrorKind, message: string) {
    super(message);
    this.status = kind === 'malformed' || kind === 'no_encrypt_key' || kind === 'decrypt_failed' ? 400 : 401;
  }
}

export interface SignatureHeaders {
  timestamp?: string | null;
  nonce?: string | null;
  signature?: string | null;
}

export interface V2Header {
  event_id?: string;
  event_type?: string;
  create_time?: string;
  token?: string;
  app_id?: string;
  tenant_key?: string;
}

export type VerifiedRequest =
  | { kind: 'challenge'; challenge: string }
  /** A schema 2.0 event or callback. */
  | { kind: 'v2'; header: V2Header; event: Record<string, unknown> }
  /** An old-style (v1) body without `schema`; callers decide whether they accept it. */
  | { kind: 'v1'; body: Record<string, unknown> };

export interface VerifyOptions {
  verificationToken: string;
  encryptKey?: string;
  now: Date;
}

/** Throws {@link FeishuVerifyError} unless `signature` is the hash of these exact bytes, made recently. */
export function verifySignature(
  headers: SignatureHeaders,
  rawBody: Uint8Array,
  encryptKey: string,
  now: Date,
): void {
  const { timestamp, nonce, signature } = headers;
  if (!timestamp || nonce == null || !signature) {
    throw new FeishuVerifyError('missing_signature', 'request is not signed');
  }
  const expected = feishuSignature(timestamp, nonce, encryptKey, rawBody);
  if (!safeEqual(signature.toLowerCase(), expected)) throw new FeishuVerifyError('bad_signature', 'bad signature');
  const seconds = Number(timestamp);
  if (!Number.isFinite(seconds) || Math.abs(now.getTime() - seconds * 1000) > MAX_CLOCK_SKEW_MS) {
    throw new FeishuVerifyError('stale_timestamp', 'request timestamp is too far from now');
  }
}

export function verifyToken(given: unknown, expected: string): void {
  if (typeof given !== 'string' || !expected || !safeEqual(given, expected)) {
    throw new FeishuVerifyError('bad_token', 'verification token mismatch');
  }
}

function parseObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FeishuVerifyError('malformed', `${what} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FeishuVerifyError('malformed', `${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Verifies and decodes one webhook request body. Pure: no I/O, no side effects. */
export function verifyFeishuRequest(
  rawBody: Uint8Array,
  headers: SignatureHeaders,
  opts: VerifyOptions,
): VerifiedRequest {
  const outer = parseObject(Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8'), 'body');

  let signed = false;
  if (opts.encryptKey && headers.signature) {
    verifySignature(headers, rawBody, opts.encryptKey, opts.now);
    signed = true;
  }

  let body = outer;
  if (typeof outer.encrypt === 'string') {
    if (!opts.encryptKey) {
      throw new FeishuVerifyError('no_encrypt_key', 'body is encrypted but no Encrypt Key is configured');
    }
    let plain: string;
    try {
      plain = decryptFeishu(outer.encrypt, opts.encryptKey);
    } catch {
      throw new FeishuVerifyError('decrypt_failed', 'cannot decrypt body');
    }
    body = parseObject(plain, 'decrypted body');
  }

  if (body.type === 'url_verification') {
    verifyToken(body.token, opts.verificationToken);
    if (typeof body.challenge !== 'string') throw new FeishuVerifyError('malformed', 'challenge missing');
    return { kind: 'challenge', challenge: body.challenge };
  }

  if (opts.encryptKey && !signed) throw new FeishuVerifyError('missing_signature', 'request is not signed');

  if (body.schema !== undefined) {
    const header = body.header;
    const event = body.event;
    if (!header || typeof header !== 'object' || !event || typeof event !== 'object') {
      throw new FeishuVerifyError('malformed', 'schema 2.0 body without header or event');
    }
    verifyToken((header as V2Header).token, opts.verificationToken);
    return { kind: 'v2', header: header as V2Header, event: event as Record<string, unknown> };
  }
  verifyToken(body.token, opts.verificationToken);
  return { kind: 'v1', body };
}

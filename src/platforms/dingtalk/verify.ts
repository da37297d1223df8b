/**
 * DingTalk robot HTTP callback verification.
 *
 * sign = base64(HmacSHA256(key = appSecret, data = timestamp + "\n" + appSecret)), sent in the
 * `timestamp` and `sign` headers. The signature covers only the timestamp and the secret (not the
 * body), so a captured pair can be replayed with any body inside the skew window: the core dedupes
 * on msgId, and missing headers are always a rejection, never a skip.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** DingTalk's documented window: reject when |now − timestamp| > 1 hour. */
export const DINGTALK_MAX_SKEW_MS = 60 * 60 * 1000;

export type VerifyFailure = 'missing-headers' | 'bad-timestamp' | 'stale' | 'bad-signature';
export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure };

/** The signature DingTalk sends for `timestamp` (the header value exactly as sent). */
export function dingTalkSign(timestamp: string, appSecret: string): string {
  return createHmac('sha256', Buffer.from(appSecret, 'utf8'))
    .update(`${timestamp}\n${appSecret}`, 'utf8')
    .digest('base64');
}

export function verifyDingTalkSignature(input: {
  timestamp: string | undefined | null;
  sign: string | undefined | null;
  appSecret: string;
  now: number;
  maxSkewMs?: number;
}): VerifyResult {
  const { timestamp, sign, appSecret, now } = input;
  if (!timestamp || !sign || !appSecret) return { ok: false, reason: 'missing-headers' };
  if (!/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: 'bad-timestamp' };
  const t = Number(timestamp);
  if (!Number.isSafeInteger(t)) return { ok: false, reason: 'bad-timestamp' };
  if (Math.abs(now - t) > (input.maxSkewMs ?? DINGTALK_MAX_SKEW_MS)) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(dingTalkSign(timestamp, appSecret), 'utf8');
  const got = Buffer.from(sign, 'utf8');
  // Length is not secret (always 44 for a SHA-256 base64); compare the bytes in constant time.
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) {
    return { ok: false, reason: 'bad-signature' };
  }
  return { ok: true };
}

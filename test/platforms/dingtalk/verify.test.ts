import { describe, expect, it } from 'vitest';
import { dingTalkSign, verifyDingTalkSignature } from '../../../src/platforms/dingtalk/verify.ts';
import { signDingTalk } from '../../fakes/dingtalk-server.ts';

const TS = '1577262236757';
const SECRET = 'this is a secret';
const VECTOR = 'DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=';
const HOUR = 3_600_000;

describe('DingTalk callback signature', () => {
  it('matches the test vector (timestamp 1577262236757, secret "this is a secret")', () => {
    expect(dingTalkSign(TS, SECRET)).toBe(VECTOR);
    expect(signDingTalk(TS, SECRET)).toBe(VECTOR); // the fake computes it independently
  });

  it('accepts a good signature, at the edge of the 1 h window too', () => {
    for (const now of [Number(TS), Number(TS) + HOUR, Number(TS) - HOUR]) {
      expect(verifyDingTalkSignature({ timestamp: TS, sign: VECTOR, appSecret: SECRET, now })).toEqual({ ok: true });
    }
  });

  it('rejects a stale timestamp at 1 h + 1 ms, in either direction', () => {
    for (const now of [Number(TS) + HOUR + 1, Number(TS) - HOUR - 1]) {
      expect(verifyDingTalkSignature({ timestamp: TS, sign: VECTOR, appSecret: SECRET, now })).toEqual({ ok: false, reason: 'stale' });
    }
  });

  it('rejects a wrong signature, a wrong secret and a signature of another length', () => {
    const now = Number(TS);
    const flipped = (VECTOR[0] === 'A' ? 'B' : 'A') + VECTOR.slice(1);
    expect(verifyDingTalkSignature({ timestamp: TS, sign: flipped, appSecret: SECRET, now })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyDingTalkSignature({ timestamp: TS, sign: VECTOR, appSecret: 'another secret', now }).ok).toBe(false);
    expect(verifyDingTalkSignature({ timestamp: TS, sign: VECTOR.slice(0, -1), appSecret: SECRET, now }).ok).toBe(false);
    // The signature covers the timestamp: the same sign with another timestamp fails.
    expect(verifyDingTalkSignature({ timestamp: String(now + 1), sign: VECTOR, appSecret: SECRET, now }).ok).toBe(false);
  });

  it('never skips: missing or empty headers are rejected', () => {
    const now = Number(TS);
    for (const [timestamp, sign] of [
      [undefined, VECTOR],
      [TS, undefined],
      ['', VECTOR],
      [TS, ''],
      [null, null],
    ] as const) {
      expect(verifyDingTalkSignature({ timestamp, sign, appSecret: SECRET, now })).toEqual({ ok: false, reason: 'missing-headers' });
    }
    expect(verifyDingTalkSignature({ timestamp: TS, sign: VECTOR, appSecret: '', now }).ok).toBe(false);
  });

  it('rejects a timestamp that is not an integer of milliseconds', () => {
    const now = Number(TS);
    for (const timestamp of ['1577262236757.0', '-1577262236757', 'abc', '1e12', ' 1577262236757']) {
      const sign = dingTalkSign(timestamp, SECRET);
      expect(verifyDingTalkSignature({ timestamp, sign, appSecret: SECRET, now })).toEqual({ ok: false, reason: 'bad-timestamp' });
    }
  });
});

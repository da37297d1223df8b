import { describe, expect, it } from 'vitest';
import { AnonSealError, formatHandle, keyedHash, openIdentity, parseHandle, sealIdentity } from '../../src/anon/index.ts';

const KEY = 'test-server-key-0123456789';
const CTX = 'tenant:1|purpose:talk|handle:7';

describe('sealIdentity / openIdentity (AES-256-GCM, HKDF-derived key)', () => {
  it('round-trips, and never shows the id in the sealed form', () => {
    const sealed = sealIdentity(KEY, { memberId: 987654 }, CTX);
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]+$/);
    expect(sealed).not.toContain('987654');
    expect(openIdentity(KEY, sealed, CTX)).toEqual({ memberId: 987654 });
  });

  it('uses a fresh nonce each time', () => {
    expect(sealIdentity(KEY, { memberId: 1 }, CTX)).not.toBe(sealIdentity(KEY, { memberId: 1 }, CTX));
  });

  it.each<[string, (s: string) => [string, string, string]]>([
    ['another key', (s) => ['other-server-key-000000', s, CTX]],
    ['another row (context)', (s) => [KEY, s, 'tenant:1|purpose:talk|handle:8']],
    ['another purpose', (s) => [KEY, s, 'tenant:1|purpose:appeal|handle:7']],
    ['a flipped ciphertext byte', (s) => {
      const [v, iv, body] = s.split('.') as [string, string, string];
      const bytes = Buffer.from(body, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      return [KEY, `${v}.${iv}.${bytes.toString('base64url')}`, CTX];
    }],
    ['a truncated blob', (s) => [KEY, s.slice(0, 30), CTX]],
    ['garbage', () => [KEY, 'not-a-sealed-identity', CTX]],
  ])('refuses to open with %s, without saying more', (_name, tamper) => {
    const [key, sealed, ctx] = tamper(sealIdentity(KEY, { memberId: 42 }, CTX));
    expect(() => openIdentity(key, sealed, ctx)).toThrow(AnonSealError);
    try { openIdentity(key, sealed, ctx); } catch (e) { expect((e as Error).message).not.toContain('42'); }
  });

  it('keyed hashes are stable per key and label, and differ across them', () => {
    const a = keyedHash(KEY, 'anon-lookup/v1', '1|talk|42');
    expect(a).toBe(keyedHash(KEY, 'anon-lookup/v1', '1|talk|42'));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(keyedHash(KEY, 'anon-quota/v1', '1|talk|42')).not.toBe(a);
    expect(keyedHash('other-server-key-000000', 'anon-lookup/v1', '1|talk|42')).not.toBe(a);
  });
});

describe('handles', () => {
  it.each<[string, number | null]>([
    ['匿名#7', 7], ['#7', 7], ['7', 7], [' 匿名#12 ', 12], ['匿名7', 7], ['匿名#', null], ['七', null], ['#-1', null], ['匿名#7a', null],
  ])('parseHandle(%s) → %s', (text, n) => {
    expect(parseHandle(text)).toBe(n);
  });

  it('formats as 匿名#n', () => {
    expect(formatHandle(7)).toBe('匿名#7');
  });
});

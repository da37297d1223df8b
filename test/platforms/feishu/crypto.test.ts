import { describe, expect, it } from 'vitest';
import * as lark from '@larksuiteoapi/node-sdk';
import { decryptFeishu, encryptFeishu, feishuSignature, safeEqual } from '../../../src/platforms/feishu/crypto.ts';
import { encryptBody, signHeaders } from '../../fakes/feishu-server.ts';

describe('feishu crypto', () => {
  it('decrypts the official test vector', () => {
    expect(decryptFeishu('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=', 'test key')).toBe('hello world');
    // Same answer as the SDK's own cipher.
    expect(new lark.AESCipher('test key').decrypt('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=')).toBe('hello world');
  });

  it('round-trips, and decrypts what the fake server (independent code) encrypts', () => {
    const text = JSON.stringify({ 中文: '党支部', n: 1 });
    expect(decryptFeishu(encryptFeishu(text, 'k3y'), 'k3y')).toBe(text);
    expect(JSON.parse(decryptFeishu(encryptBody({ a: '支部' }, 'k3y').encrypt, 'k3y'))).toEqual({ a: '支部' });
  });

  it('rejects a wrong key or a damaged ciphertext', () => {
    const enc = encryptFeishu('{"a":1}', 'right');
    expect(() => decryptFeishu(enc, 'wrong')).toThrow();
    expect(() => decryptFeishu('AAAA', 'right')).toThrow();
  });

  it('signs sha256(timestamp + nonce + key + raw bytes), as the fake does', () => {
    const body = '{"encrypt":"abc"}';
    const h = signHeaders(body, 'key', 1700000000, 'nonce');
    expect(feishuSignature('1700000000', 'nonce', 'key', Buffer.from(body))).toBe(h['X-Lark-Signature']);
    expect(h['X-Lark-Signature']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('compares in constant time and by length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});

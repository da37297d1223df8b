import { describe, expect, it } from 'vitest';
import { ActionTokenError, signAction, verifyAction } from '../../../src/bot/action-token.ts';

const key = 'server-key-for-tests';
const now = new Date('2026-03-01T08:00:00Z');
const later = new Date('2026-03-15T08:00:00Z');

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof ActionTokenError ? e.reason : 'other';
  }
  return undefined;
}

describe('action tokens', () => {
  it('round-trips the command and the binding', () => {
    const token = signAction({ command: '会议 回复 12 参加', userId: 'ou_abc', expiresAt: later }, key);
    expect(verifyAction(token, key, now)).toEqual({ command: '会议 回复 12 参加', userId: 'ou_abc', expiresAt: later });
    const g = signAction({ command: '帮助', chatId: 'oc_1', expiresAt: later }, key);
    expect(verifyAction(g, key, now)).toMatchObject({ chatId: 'oc_1' });
  });

  it('is compact and URL-safe', () => {
    const token = signAction({ command: '党费 缴纳 2026-03', userId: 'ou_' + 'a'.repeat(32), expiresAt: later }, key);
    expect(token.length).toBeLessThan(200);
    expect(token).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('refuses an expired token', () => {
    const token = signAction({ command: '帮助', userId: 'ou_a', expiresAt: now }, key);
    expect(reason(() => verifyAction(token, key, new Date(now.getTime() + 1000)))).toBe('expired');
  });

  it('refuses forged, tampered and wrong-key tokens as invalid', () => {
    const token = signAction({ command: '帮助', userId: 'ou_a', expiresAt: later }, key);
    const [v, body, mac] = token.split('.') as [string, string, string];
    const tampered = Buffer.from(JSON.stringify({ c: '支部 删除', u: 'ou_a', e: 9e9 })).toString('base64url');
    expect(reason(() => verifyAction(`${v}.${tampered}.${mac}`, key, now))).toBe('invalid');
    expect(reason(() => verifyAction(`${v}.${body}.${'A'.repeat(mac.length)}`, key, now))).toBe('invalid');
    expect(reason(() => verifyAction(token, 'another-key', now))).toBe('invalid');
    expect(reason(() => verifyAction('garbage', key, now))).toBe('invalid');
    expect(reason(() => verifyAction('', key, now))).toBe('invalid');
  });

  it('will not sign a token bound to nobody', () => {
    expect(() => signAction({ command: '帮助', expiresAt: later }, key)).toThrow(TypeError);
  });
});

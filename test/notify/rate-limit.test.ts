import { describe, expect, it } from 'vitest';
import { createRateLimiter, DEFAULT_LIMITS, GUARD_MS, LimitsSyntaxError, parseLimits } from '../../src/notify/rate-limit.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('rate limiter', () => {
  it('defaults: Feishu 50/s + 1000/min per app and 5/s per recipient; DingTalk 20/s and 5/s', () => {
    expect(DEFAULT_LIMITS.feishu).toEqual({ appPerSecond: 50, appPerMinute: 1000, recipientPerSecond: 5 });
    expect(DEFAULT_LIMITS.dingtalk).toEqual({ appPerSecond: 20, recipientPerSecond: 5 });
  });

  it('allows 5 to one user in any second; the 6th waits until the first has left the window', () => {
    let t = 0;
    const rl = createRateLimiter(undefined, () => t);
    for (let i = 0; i < 5; i++) expect(rl.tryTake('feishu', 'user:a')).toBe(0);
    // The platform's 1 s plus the guard against jitter.
    expect(rl.tryTake('feishu', 'user:a')).toBe(1000 + GUARD_MS.second);
    t += 999 + GUARD_MS.second;
    expect(rl.tryTake('feishu', 'user:a')).toBe(1);
    t += 1;
    expect(rl.tryTake('feishu', 'user:a')).toBe(0);
    // Another recipient has its own window.
    expect(rl.tryTake('feishu', 'user:b')).toBe(0);
  });

  it('under a backlog no second ever holds more than the limit (a sliding-window server sees no 429)', () => {
    let t = 0;
    const rl = createRateLimiter(undefined, () => t);
    const sent: number[] = [];
    for (let i = 0; sent.length < 400; ) {
      const wait = rl.tryTake('feishu', `user:${i % 100}`);
      if (wait > 0) t += wait;
      else {
        sent.push(t);
        i++;
        t += 3; // a send takes a few ms
      }
    }
    const busiest = Math.max(...sent.map((at) => sent.filter((x) => x <= at && at - x < 1000).length));
    expect(busiest).toBe(50);
    // Jitter up to the guard still keeps every second within the limit…
    const late = sent.map((x, k) => x + (k % 2 ? GUARD_MS.second : 0));
    expect(Math.max(...late.map((at) => late.filter((x) => x <= at && at - x < 1000).length))).toBe(50);
    // …and the limit is used: 400 sends in 8 windows, the last opening after 7 guarded seconds.
    expect(sent.at(-1)!).toBeLessThan(7 * (1000 + GUARD_MS.second) + 200);
  });

  it('a refused take consumes nothing from the other buckets', () => {
    let t = 0;
    const rl = createRateLimiter({ feishu: { appPerSecond: 6, recipientPerSecond: 5 } }, () => t);
    for (let i = 0; i < 5; i++) rl.tryTake('feishu', 'user:a');
    expect(rl.tryTake('feishu', 'user:a')).toBeGreaterThan(0);
    expect(rl.tryTake('feishu', 'user:b')).toBe(0); // the app bucket still had its 6th token
    expect(rl.tryTake('feishu', 'user:c')).toBeGreaterThan(0);
  });

  it('the app bucket caps all recipients together; the per-minute bucket too', () => {
    let t = 0;
    const rl = createRateLimiter(undefined, () => t);
    let ok = 0;
    for (let i = 0; i < 60; i++) if (rl.tryTake('feishu', `user:${i}`) === 0) ok++;
    expect(ok).toBe(50);
    let total = ok;
    for (let s = 1; s <= 30; s++) {
      t = s * (1000 + GUARD_MS.second);
      for (let i = 0; i < 60; i++) if (rl.tryTake('feishu', `chat:${s}:${i}`) === 0) total++;
    }
    expect(total).toBe(1000);
  });

  it('take() waits with the given sleep until a token is there', async () => {
    let t = 0;
    const sleeps: number[] = [];
    const rl = createRateLimiter({ dingtalk: { appPerSecond: 20, recipientPerSecond: 2 } }, () => t);
    const sleep = async (ms: number) => { sleeps.push(ms); t += ms; };
    for (let i = 0; i < 4; i++) await rl.take('dingtalk', 'user:x', sleep);
    expect(sleeps).toEqual([1000 + GUARD_MS.second]);
  });

  it('a settled slot counts from when its send completed, not from when it was taken', () => {
    let t = 0;
    const rl = createRateLimiter({ feishu: { appPerSecond: 2, recipientPerSecond: 2 } }, () => t);
    const a = rl.tryAcquire('feishu', 'user:a');
    const b = rl.tryAcquire('feishu', 'user:b');
    if (typeof a === 'number' || typeof b === 'number') throw new Error('expected two slots');
    t = 300; // the first send completes after waiting behind others
    a.settle();
    t = 1000 + GUARD_MS.second;
    // b's slot (taken at 0) has left the window; a's counts from 300.
    expect(rl.tryTake('feishu', 'user:c')).toBe(0);
    expect(rl.tryTake('feishu', 'user:d')).toBe(300);
    t = 1300 + GUARD_MS.second;
    expect(rl.tryTake('feishu', 'user:d')).toBe(0);
  });

  it('an unknown platform gets a cautious fallback, not unlimited', () => {
    const rl = createRateLimiter(undefined, () => 0);
    expect(rl.limitsFor('wecom').appPerSecond).toBeGreaterThan(0);
  });

  it('SEND_LIMITS replaces the named limits and keeps the rest of that platform’s', () => {
    expect(parseLimits('')).toEqual({});
    expect(parseLimits('feishu.app=25, feishu.minute=500,dingtalk.recipient=2')).toEqual({
      feishu: { appPerSecond: 25, appPerMinute: 500, recipientPerSecond: 5 },
      dingtalk: { appPerSecond: 20, recipientPerSecond: 2 },
    });
    expect(loadConfig({ SEND_LIMITS: 'feishu.recipient=3' }).sendLimits).toEqual({ feishu: { ...DEFAULT_LIMITS.feishu, recipientPerSecond: 3 } });
    expect(loadConfig({}).sendLimits).toEqual({});
    for (const bad of ['feishu=25', 'feishu.app=0', 'feishu.app=ten', 'feishu.qps=5']) {
      expect(() => parseLimits(bad), bad).toThrow(LimitsSyntaxError);
    }
    expect(() => loadConfig({ SEND_LIMITS: 'feishu.app=-1' })).toThrow(ConfigError);
  });

  it('a limiter made from SEND_LIMITS holds a recipient to the lower number', () => {
    const rl = createRateLimiter(loadConfig({ SEND_LIMITS: 'feishu.recipient=2' }).sendLimits, () => 0);
    expect([rl.tryTake('feishu', 'user:a'), rl.tryTake('feishu', 'user:a')]).toEqual([0, 0]);
    expect(rl.tryTake('feishu', 'user:a')).toBeGreaterThan(0);
    expect(rl.tryTake('dingtalk', 'user:a')).toBe(0);
  });
});

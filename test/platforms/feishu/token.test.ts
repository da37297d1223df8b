// The tenant_access_token cache on its own clock: reused while valid, refreshed before Feishu's expiry,
// fetched once by concurrent callers, dropped when Feishu rejects it. (Against the fake through the SDK:
// sender.test.ts and fetch-http.test.ts.)
import { describe, expect, it } from 'vitest';
import { TenantTokenCache } from '../../../src/platforms/feishu/client.ts';

const MIN = 60_000;

function cache(expireSeconds = 7200) {
  let clock = 1_000_000;
  let issued = 0;
  let release: (() => void) | undefined;
  let hold = false;
  const tokens = new TenantTokenCache(async () => {
    const token = `t-${++issued}`;
    if (hold) await new Promise<void>((r) => (release = r));
    return { token, expireSeconds };
  }, () => clock);
  return {
    tokens,
    advance: (ms: number) => (clock += ms),
    issued: () => issued,
    holdNext: () => (hold = true),
    release: () => {
      hold = false;
      release?.();
    },
  };
}

describe('tenant token cache', () => {
  it('reuses the token until 5 minutes before its 2-hour expiry, then fetches a new one', async () => {
    const c = cache();
    expect(await c.tokens.get()).toBe('t-1');
    c.advance(114 * MIN); // 6 minutes left
    expect(await c.tokens.get()).toBe('t-1');
    c.advance(2 * MIN); // 4 minutes left: refreshed before Feishu expires it
    expect(await c.tokens.get()).toBe('t-2');
    expect(c.issued()).toBe(2);
  });

  it('a short-lived token is refreshed at half its life rather than never reused', async () => {
    const c = cache(240); // 4 minutes: shorter than the margin
    expect(await c.tokens.get()).toBe('t-1');
    c.advance(119_000);
    expect(await c.tokens.get()).toBe('t-1');
    c.advance(2_000);
    expect(await c.tokens.get()).toBe('t-2');
  });

  it('concurrent callers share one fetch, at start and at refresh', async () => {
    const c = cache();
    c.holdNext();
    const first = Promise.all([c.tokens.get(), c.tokens.get(), c.tokens.get()]);
    c.release();
    expect(await first).toEqual(['t-1', 't-1', 't-1']);
    c.advance(116 * MIN);
    c.holdNext();
    const again = Promise.all([c.tokens.get(), c.tokens.get()]);
    c.release();
    expect(await again).toEqual(['t-2', 't-2']);
    expect(c.issued()).toBe(2);
  });

  it('invalidate drops the rejected token only if it is still the current one', async () => {
    const c = cache();
    const old = await c.tokens.get();
    c.tokens.invalidate(old);
    const fresh = await c.tokens.get();
    expect(fresh).toBe('t-2');
    c.tokens.invalidate(old); // a late caller reporting the old token keeps the new one
    expect(await c.tokens.get()).toBe('t-2');
    expect(c.issued()).toBe(2);
  });
});

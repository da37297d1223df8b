/**
 * Token buckets for outbound sends, keyed per platform app and per recipient.
 *
 * The limits are PER PROCESS: two instances draining the same database each get the full budget,
 * so a deployment running N senders should divide the numbers by N (see docs/operations.md).
 * Sending within them is what keeps us clear of 429s; the sender still honours a server's reset
 * time when one comes back anyway.
 */

export interface PlatformLimits {
  /** Calls per second for the whole app (one bucket per platform). */
  appPerSecond: number;
  /** Optional app-wide limit over any sliding 60 s (Feishu: 1000/min besides 50/s). */
  appPerMinute?: number;
  /** Messages per second to one user or one chat. */
  recipientPerSecond: number;
}

export type RateLimits = Record<string, PlatformLimits>;

/**
 * Feishu: `im/v1/messages` 50/s and 1000/min per app, 5 QPS per user and per group (feishu.md §5).
 * DingTalk: no documented threshold for robot sends; 20/s per app per API is an unverified public
 * figure (dingtalk.md §3), so it is only a default — pass `limits` to change it.
 */
export const DEFAULT_LIMITS: Readonly<RateLimits> = Object.freeze({
  feishu: { appPerSecond: 50, appPerMinute: 1000, recipientPerSecond: 5 },
  dingtalk: { appPerSecond: 20, recipientPerSecond: 5 },
  console: { appPerSecond: 1000, recipientPerSecond: 1000 },
});

/** Used for a platform missing from the limits table: cautious rather than unlimited. */
const FALLBACK: PlatformLimits = { appPerSecond: 10, recipientPerSecond: 5 };

export interface RateLimiter {
  /**
   * Takes one token from every bucket the send touches and returns 0, or, when any bucket is empty,
   * takes nothing and returns the milliseconds until all of them will have a token.
   */
  tryTake(platform: string, recipientKey: string): number;
  /** Waits (with `sleep`) until `tryTake` succeeds. */
  take(platform: string, recipientKey: string, sleep?: (ms: number) => Promise<void>): Promise<void>;
  limitsFor(platform: string): PlatformLimits;
}

interface Bucket {
  tokens: number;
  at: number;
}

const EPS = 1e-9;
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `now` is a millisecond clock (default `Date.now`); inject one to test refills exactly. */
export function createRateLimiter(
  limits: Partial<RateLimits> = DEFAULT_LIMITS,
  now: () => number = Date.now,
): RateLimiter {
  const table: Record<string, PlatformLimits> = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(limits)) if (v) table[k] = v;
  const buckets = new Map<string, Bucket>();
  /** Send times in the last minute per platform: the per-minute limit is a sliding window, exact for any 60 s. */
  const minuteLog = new Map<string, number[]>();

  const limitsFor = (platform: string) => table[platform] ?? FALLBACK;

  /** Tokens available now in a bucket of `capacity` refilling `capacity` per second. */
  const level = (key: string, capacity: number, t: number): Bucket => {
    const b = buckets.get(key) ?? { tokens: capacity, at: t };
    const refill = ((t - b.at) * capacity) / 1000;
    return { tokens: Math.min(capacity, b.tokens + Math.max(0, refill)), at: t };
  };

  const tryTake = (platform: string, recipientKey: string): number => {
    const t = now();
    const l = limitsFor(platform);
    const wanted = [
      { key: `app:${platform}`, capacity: l.appPerSecond },
      { key: `to:${platform}:${recipientKey}`, capacity: l.recipientPerSecond },
    ].map((s) => ({ ...s, bucket: level(s.key, s.capacity, t) }));
    let wait = 0;
    for (const w of wanted) {
      // The epsilon keeps float dust (0.9999…) from costing an extra millisecond.
      if (w.bucket.tokens < 1 - EPS) wait = Math.max(wait, Math.ceil(((1 - w.bucket.tokens) * 1000) / w.capacity - EPS));
    }
    const log = minuteLog.get(platform) ?? [];
    while (log.length > 0 && log[0]! <= t - 60_000) log.shift();
    if (l.appPerMinute && log.length >= l.appPerMinute) wait = Math.max(wait, log[log.length - l.appPerMinute]! + 60_000 - t);
    if (wait > 0) return wait;
    for (const w of wanted) buckets.set(w.key, { tokens: w.bucket.tokens - 1, at: t });
    if (l.appPerMinute) {
      log.push(t);
      minuteLog.set(platform, log);
    }
    // A full bucket is the same as no bucket; forget idle recipients so the map stays small.
    if (buckets.size > 10_000) {
      for (const [k, b] of buckets) if (k.startsWith('to:') && t - b.at > 60_000) buckets.delete(k);
    }
    return 0;
  };

  return {
    tryTake,
    limitsFor,
    async take(platform, recipientKey, sleep = realSleep) {
      for (let wait = tryTake(platform, recipientKey); wait > 0; wait = tryTake(platform, recipientKey)) {
        await sleep(wait);
      }
    },
  };
}

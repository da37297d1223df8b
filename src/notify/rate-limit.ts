/**
 * Send limits for outbound messages, per platform app and per recipient, kept as sliding windows: a
 * limit of n per second allows at most n sends in ANY 1 s window, which is how the platforms count
 * (a token bucket of n refilling n/s lets nearly 2n through in one second after an idle spell, and
 * each send past n is a 429).
 *
 * A slot is taken before its send leaves and then `settle`d when the send has completed: its stamp
 * moves to that moment, which is never earlier than the platform's own stamp of the request (the
 * platform answers after it counted it). A later send is let out only once the window has passed
 * since that completion, so network jitter and a send waiting behind others in its batch can never
 * make two sends look closer to the platform than they were here. GUARD_MS only absorbs clock
 * granularity.
 *
 * The limits are PER PROCESS: two instances draining the same database each get the full budget,
 * so a deployment running N senders should divide the numbers by N (see docs/operations.md).
 * Sending within them is what keeps us clear of 429s; the sender still honours a server's reset
 * time when one comes back anyway.
 */

export interface PlatformLimits {
  /** Calls in any 1 s for the whole app (one window per platform). */
  appPerSecond: number;
  /** Optional app-wide limit over any 60 s (Feishu: 1000/min besides 50/s). */
  appPerMinute?: number;
  /** Messages in any 1 s to one user or one chat. */
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

export class LimitsSyntaxError extends Error {
  override name = 'LimitsSyntaxError';
}

const LIMIT_KEYS = { app: 'appPerSecond', minute: 'appPerMinute', recipient: 'recipientPerSecond' } as const;

/**
 * Limits written as `feishu.app=25,feishu.minute=500,feishu.recipient=5,dingtalk.app=10` (the
 * environment's SEND_LIMITS): each named number replaces the default, the rest of that platform's
 * limits stay as they are. An instance among N draining one database takes 1/N of each.
 */
export function parseLimits(text: string): Partial<RateLimits> {
  const out: Record<string, PlatformLimits> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z]+)\.(app|minute|recipient)=(\d{1,6})$/.exec(part);
    if (!m) throw new LimitsSyntaxError(`"${part}" should look like feishu.app=25 (app, minute or recipient)`);
    const [, platform, key, value] = m;
    const n = Number(value);
    if (n < 1) throw new LimitsSyntaxError(`"${part}": a limit must be at least 1`);
    out[platform!] ??= { ...(DEFAULT_LIMITS[platform!] ?? FALLBACK) };
    out[platform!]![LIMIT_KEYS[key as keyof typeof LIMIT_KEYS]] = n;
  }
  return out;
}

/** A taken send slot. */
export interface Slot {
  /** Moves the slot's stamps to now: call it when the send has completed (again for a later request carrying it). */
  settle(): void;
}

export interface RateLimiter {
  /** Like `tryTake`, but returns the slot taken (or the milliseconds to wait), so that it can be settled. */
  tryAcquire(platform: string, recipientKey: string): Slot | number;
  /** Waits (with `sleep`) until `tryAcquire` succeeds. */
  acquire(platform: string, recipientKey: string, sleep?: (ms: number) => Promise<void>): Promise<Slot>;
  /**
   * Records one send in every window it touches and returns 0, or, when any window is full, records
   * nothing and returns the milliseconds until all of them will have room.
   */
  tryTake(platform: string, recipientKey: string): number;
  /** Waits (with `sleep`) until `tryTake` succeeds. */
  take(platform: string, recipientKey: string, sleep?: (ms: number) => Promise<void>): Promise<void>;
  limitsFor(platform: string): PlatformLimits;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Added to the 1 s and 60 s windows for clock granularity (the settled stamps already follow the platform's). */
export const GUARD_MS = { second: 2, minute: 20 } as const;
const SECOND = 1000 + GUARD_MS.second;
const MINUTE = 60_000 + GUARD_MS.minute;

/** `now` is a millisecond clock (default `Date.now`); inject one to test exactly. */
export function createRateLimiter(
  limits: Partial<RateLimits> = DEFAULT_LIMITS,
  now: () => number = Date.now,
): RateLimiter {
  const table: Record<string, PlatformLimits> = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(limits)) if (v) table[k] = v;
  /** Send times per window key, oldest first, pruned to the window. */
  const logs = new Map<string, number[]>();

  const limitsFor = (platform: string) => table[platform] ?? FALLBACK;

  /** The sends of `key` still inside a window of `windowMs` ending at `t` (a send at t − windowMs has left it). */
  const recent = (key: string, windowMs: number, t: number): number[] => {
    const log = logs.get(key) ?? [];
    while (log.length > 0 && log[0]! <= t - windowMs) log.shift();
    return log;
  };

  /** Inserts `t` keeping the log sorted (a settled stamp is usually the newest). */
  const insert = (log: number[], t: number) => {
    let i = log.length;
    while (i > 0 && log[i - 1]! > t) i--;
    log.splice(i, 0, t);
  };

  const tryAcquire = (platform: string, recipientKey: string): Slot | number => {
    const t = now();
    const l = limitsFor(platform);
    const windows = [
      { key: `app:${platform}`, limit: l.appPerSecond, windowMs: SECOND },
      { key: `to:${platform}:${recipientKey}`, limit: l.recipientPerSecond, windowMs: SECOND },
      ...(l.appPerMinute ? [{ key: `min:${platform}`, limit: l.appPerMinute, windowMs: MINUTE }] : []),
    ].map((w) => ({ ...w, limit: Math.max(1, Math.floor(w.limit)), log: recent(w.key, w.windowMs, t) }));
    let wait = 0;
    // Room comes when the send `limit` places from the end leaves the window.
    for (const w of windows) if (w.log.length >= w.limit) wait = Math.max(wait, w.log[w.log.length - w.limit]! + w.windowMs - t);
    if (wait > 0) return wait;
    for (const w of windows) {
      w.log.push(t);
      logs.set(w.key, w.log);
    }
    // An empty window is the same as none; forget idle recipients so the map stays small.
    if (logs.size > 10_000) {
      for (const [k, log] of logs) if (k.startsWith('to:') && (log.length === 0 || log[log.length - 1]! <= t - SECOND)) logs.delete(k);
    }
    let stamp = t;
    return {
      settle() {
        const s = now();
        if (s <= stamp) return;
        for (const w of windows) {
          // The log may have been replaced (pruned empty and forgotten); the current one is what counts.
          const log = logs.get(w.key) ?? [];
          const i = log.lastIndexOf(stamp);
          if (i >= 0) log.splice(i, 1);
          insert(log, s);
          logs.set(w.key, log);
        }
        stamp = s;
      },
    };
  };

  const tryTake = (platform: string, recipientKey: string): number => {
    const r = tryAcquire(platform, recipientKey);
    return typeof r === 'number' ? r : 0;
  };

  const acquire = async (platform: string, recipientKey: string, sleep = realSleep): Promise<Slot> => {
    for (;;) {
      const r = tryAcquire(platform, recipientKey);
      if (typeof r !== 'number') return r;
      await sleep(r);
    }
  };

  return {
    tryTake,
    tryAcquire,
    acquire,
    limitsFor,
    async take(platform, recipientKey, sleep = realSleep) {
      await acquire(platform, recipientKey, sleep);
    },
  };
}

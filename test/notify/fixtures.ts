import postgres from 'postgres';
import { fromPostgres, type Db, type DbHandle } from '../../db/client.ts';
import { tenants } from '../../db/schema/index.ts';
import type { Recipient } from '../../src/bot/types.ts';
import type { Outbound, PlatformSender, SendResult } from '../../src/platforms/types.ts';

export const TZ = 'Asia/Shanghai';

/** A local Asia/Shanghai wall time, e.g. at('2026-12-01T09:00'). */
export const at = (local: string) => new Date(`${local}+08:00`);

/**
 * A second "instance" on the same database: on Postgres a separate connection pool; on PGlite
 * (one connection by nature) the same handle, so two senders or runners still interleave.
 */
export async function secondInstance(h: DbHandle & { url?: string }): Promise<DbHandle> {
  if (!h.url) return { ...h, close: async () => {} };
  return fromPostgres(postgres(h.url, { max: 10, onnotice: () => {} }));
}

export async function addTenant(db: Db, settings: Record<string, unknown> = {}, platform = 'feishu', key = 't1'): Promise<number> {
  const [t] = await db.insert(tenants).values({ platform, externalKey: key, name: key, settings }).returning({ id: tenants.id });
  return t!.id;
}

export const user = (id: string, platform: Recipient['platform'] = 'feishu'): Recipient =>
  ({ platform, kind: 'user', id, tenantKey: 't1' });

export interface RecordingSender extends PlatformSender {
  /** Every call, with the rows it carried. */
  calls: Outbound[][];
  sent: Outbound[];
}

/** A platform double that records each send; `delayMs` makes calls slow enough to overlap. */
export function recordingSender(
  platform: Recipient['platform'],
  opts: { delayMs?: number; result?: (item: Outbound, attempt: number) => SendResult } = {},
): RecordingSender {
  const seen = new Map<string, number>();
  const calls: Outbound[][] = [];
  const sent: Outbound[] = [];
  return {
    platform,
    calls,
    sent,
    async send(items) {
      calls.push(items);
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      return items.map((item) => {
        const n = (seen.get(item.dedupeKey) ?? 0) + 1;
        seen.set(item.dedupeKey, n);
        const r = opts.result?.(item, n) ?? { ok: true };
        if (r.ok) sent.push(item);
        return r;
      });
    },
  };
}

/** A mutable injected clock. */
export function clock(start: Date) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    set: (d: Date) => { t = d.getTime(); },
    advance: (ms: number) => { t += ms; },
  };
}

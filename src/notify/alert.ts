/** Telling BOT_ADMINS that messages failed for good: once per burst, never with credentials in it. */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { outbox, tenants } from '../../db/schema/index.ts';
import type { Platform } from '../bot/types.ts';
import { localDate, localParts } from '../domain/calendar.ts';
import { enqueue } from './outbox.ts';

const SECRETISH = [
  /(bearer\s+)[^\s"',;]+/gi,
  /((?:access_?token|tenant_access_token|app_?secret|appsecret|secret|token|sign|signature|password)["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi,
];

/** An error text fit for a chat message or the outbox table: no credentials, bounded length. */
export function safeError(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  for (const re of SECRETISH) out = out.replace(re, '$1[redacted]');
  return out.length > 300 ? out.slice(0, 297) + '...' : out;
}

const PLATFORM_NAMES: Record<string, string> = { feishu: '飞书', dingtalk: '钉钉', console: '控制台' };

type Row = typeof outbox.$inferSelect;

export interface AlertContext {
  db: Db;
  /** BOT_ADMINS entries, `platform:userId`. */
  admins: readonly string[];
  now: Date;
  tz: string;
  secrets?: readonly string[];
}

/** Failures within this long of an admin's last alert about the platform belong to the same burst. */
export const ALERT_QUIET_MS = 60 * 60_000;

/**
 * Queues one alert per admin and failing platform, unless that admin was alerted about that platform
 * in the last hour: a burst raises one alert, and failures that go on raise at most one an hour. The
 * dedupe key names the local hour, so instances failing at the same moment queue it once. Alerts that
 * fail do not alert about themselves.
 */
export async function alertAdmins(ctx: AlertContext, failed: readonly Row[]): Promise<number> {
  const perPlatform = new Map<string, Row[]>();
  for (const f of failed) if (f.kind !== 'alert') perPlatform.set(f.platform, [...(perPlatform.get(f.platform) ?? []), f]);
  const p = localParts(ctx.now, ctx.tz);
  const hour = `${localDate(ctx.now, ctx.tz)}T${String(p.hour).padStart(2, '0')}`;
  let queued = 0;
  for (const [platform, rows] of perPlatform) {
    const last = safeError(rows[rows.length - 1]!.lastError ?? '', ctx.secrets);
    const text = `【党支部助手】有 ${rows.length} 条${PLATFORM_NAMES[platform] ?? platform}消息发送失败，已停止重试。最近错误：${last}\n`
      + '一小时内的后续失败不再重复提醒；可运行 npm run outbox 查看详情。';
    for (const admin of ctx.admins) {
      const sep = admin.indexOf(':');
      if (sep <= 0) continue;
      const adminPlatform = admin.slice(0, sep) as Platform;
      if (await alertedLately(ctx, platform, admin)) continue;
      const tenant = await tenantFor(ctx.db, adminPlatform, rows[0]!);
      const inserted = await enqueue(ctx.db, {
        tenantId: tenant.id,
        recipient: { platform: adminPlatform, kind: 'user', id: admin.slice(sep + 1), tenantKey: tenant.key },
        reply: { kind: 'text', text },
        dedupeKey: `alert:outbox-failed:${platform}:${hour}:${admin}`,
        kind: 'alert',
      }, { now: ctx.now, tz: ctx.tz });
      if (inserted) queued++;
    }
  }
  return queued;
}

async function alertedLately(ctx: AlertContext, platform: string, admin: string): Promise<boolean> {
  const prefix = `alert:outbox-failed:${platform}:`;
  const suffix = `:${admin}`;
  const [hit] = await ctx.db.select({ id: outbox.id }).from(outbox).where(and(
    eq(outbox.kind, 'alert'),
    sql`left(${outbox.dedupeKey}, ${[...prefix].length}) = ${prefix}`,
    sql`right(${outbox.dedupeKey}, ${[...suffix].length}) = ${suffix}`,
    // An alert held for quiet hours has a later time: it still stands for the burst it reports.
    gt(outbox.notBefore, new Date(ctx.now.getTime() - ALERT_QUIET_MS)),
  )).limit(1);
  return hit !== undefined;
}

/** The admin's tenant: the failed message's own when on the same platform, else that platform's first. */
async function tenantFor(db: Db, platform: string, sample: Row): Promise<{ id?: number; key: string }> {
  if (sample.platform === platform) return { id: sample.tenantId ?? undefined, key: sample.recipient.tenantKey };
  const [t] = await db.select({ id: tenants.id, key: tenants.externalKey }).from(tenants)
    .where(eq(tenants.platform, platform)).orderBy(asc(tenants.id)).limit(1);
  return t ?? { key: '' };
}

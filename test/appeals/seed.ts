import { eq } from 'drizzle-orm';
import type { JobDeps } from '../../cron/job.ts';
import { appeals, branches, identities, members, outbox, tenants } from '../../db/schema/index.ts';
import { configureAnonKey } from '../../src/anon/index.ts';
import type { BranchRole } from '../../src/bot/roles.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';

export interface Person {
  name: string;
  roles?: BranchRole[];
  /** A distinctive member id, so a leak of it can be searched for. */
  id?: number;
  employeeNo?: string;
}

export interface Seeded {
  tenantId: number;
  branchIds: Record<string, number>;
  ids: Record<string, number>;
}

/** A bot on a fresh database with the console tenant, branches and bound members written directly. */
export async function appealBot(layout: Record<string, Person[]>, now = '2026-12-02T10:00:00+08:00'): Promise<{ bot: TestBot; seeded: Seeded }> {
  const bot = await createTestBot({ now });
  configureAnonKey(bot.runtime.config.serverKey);
  const db = bot.handle.db;
  const [tenant] = await db.insert(tenants).values({ platform: 'console', externalKey: 'console', name: '测试单位' }).returning();
  const seeded: Seeded = { tenantId: tenant!.id, branchIds: {}, ids: {} };
  for (const [branchName, people] of Object.entries(layout)) {
    const [b] = await db.insert(branches).values({ tenantId: tenant!.id, name: branchName }).returning();
    seeded.branchIds[branchName] = b!.id;
    for (const p of people) {
      const [m] = await db.insert(members).values({
        ...(p.id ? { id: p.id } : {}), tenantId: tenant!.id, branchId: b!.id, name: p.name, status: '正式党员',
        roles: p.roles ?? [], employeeNo: p.employeeNo ?? null,
      }).returning();
      seeded.ids[p.name] = m!.id;
      await db.insert(identities).values({ tenantId: tenant!.id, platform: 'console', userId: p.name, memberId: m!.id });
    }
  }
  return { bot, seeded };
}

export function jobDeps(bot: TestBot): JobDeps {
  return { db: bot.handle.db, tz: bot.runtime.config.timezone, log: bot.log, config: bot.runtime.config };
}

/** Messages delivered to one console user (or group) since `from`. */
export function sentTo(bot: TestBot, name: string, from = 0): string[] {
  return bot.outputs.slice(from).filter((o) => o.startsWith(`[发给 ${name}] `) || o.startsWith(`[群 ${name}] `));
}

export async function appealRow(bot: TestBot, number: string) {
  const [row] = await bot.handle.db.select().from(appeals).where(eq(appeals.number, number));
  return row!;
}

export async function outboxRows(bot: TestBot) {
  return bot.handle.db.select().from(outbox);
}

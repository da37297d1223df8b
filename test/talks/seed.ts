import { eq } from 'drizzle-orm';
import { branches, identities, members, outbox, talks, tenants } from '../../db/schema/index.ts';
import type { BranchRole, MemberStatus } from '../../src/bot/roles.ts';
import type { JobDeps } from '../../cron/job.ts';
import type { TestBot } from '../helpers/runtime.ts';

export interface Person {
  name: string;
  status?: MemberStatus;
  roles?: BranchRole[];
  /** An explicit, distinctive member id (so tests can search output for it). */
  id?: number;
}

/** The console tenant with branches and members, written directly: faster than typing the commands. */
export async function seed(bot: TestBot, layout: Record<string, Person[]>): Promise<{ tenantId: number; branchIds: Record<string, number>; ids: Record<string, number> }> {
  const db = bot.handle.db;
  const [tenant] = await db.insert(tenants).values({ platform: 'console', externalKey: 'console', name: '测试单位' })
    .onConflictDoNothing().returning();
  const tenantId = tenant?.id ?? (await db.select().from(tenants).where(eq(tenants.externalKey, 'console')))[0]!.id;
  const branchIds: Record<string, number> = {};
  const ids: Record<string, number> = {};
  for (const [branchName, people] of Object.entries(layout)) {
    const [b] = await db.insert(branches).values({ tenantId, name: branchName }).returning();
    branchIds[branchName] = b!.id;
    for (const p of people) {
      const [m] = await db.insert(members).values({
        ...(p.id ? { id: p.id } : {}), tenantId, branchId: b!.id, name: p.name,
        status: p.status ?? '正式党员', roles: p.roles ?? [],
      }).returning();
      ids[p.name] = m!.id;
      // As if each person had already written to the bot once (the console binds by name).
      await db.insert(identities).values({ tenantId, platform: 'console', userId: p.name, memberId: m!.id });
    }
  }
  return { tenantId, branchIds, ids };
}

export function jobDeps(bot: TestBot): JobDeps {
  return { db: bot.handle.db, tz: bot.runtime.config.timezone, log: bot.log, config: bot.runtime.config };
}

/** Delivered messages addressed to one console user since `from`. */
export function sentTo(bot: TestBot, name: string, from = 0): string[] {
  return bot.outputs.slice(from).filter((o) => o.startsWith(`[发给 ${name}] `));
}

export async function talkRow(bot: TestBot, id: number) {
  const [row] = await bot.handle.db.select().from(talks).where(eq(talks.id, id));
  return row!;
}

export async function lastTalkId(bot: TestBot): Promise<number> {
  const rows = await bot.handle.db.select({ id: talks.id }).from(talks);
  return Math.max(...rows.map((r) => r.id));
}

export async function outboxRows(bot: TestBot) {
  return bot.handle.db.select().from(outbox);
}

import { eq, like } from 'drizzle-orm';
import { branches, identities, members, outbox, partyGroups, tenants } from '../../db/schema/index.ts';
import type { JobDeps } from '../../cron/job.ts';
import type { BranchRole, MemberStatus } from '../../src/bot/roles.ts';
import type { TestBot } from '../helpers/runtime.ts';

export interface Person {
  name: string;
  status?: MemberStatus;
  roles?: BranchRole[];
  group?: string;
  /** Default true: as if the person had written to the bot once (the console binds by name). */
  bound?: boolean;
}

export interface Seeded {
  tenantId: number;
  branchIds: Record<string, number>;
  ids: Record<string, number>;
  groupIds: Record<string, number>;
}

/** The console tenant with branches, 党小组 and members, written directly: faster than typing commands. */
export async function seed(bot: TestBot, layout: Record<string, Person[]>, term?: { termEnd: string }): Promise<Seeded> {
  const db = bot.handle.db;
  const [tenant] = await db.insert(tenants).values({ platform: 'console', externalKey: 'console', name: '测试单位' })
    .onConflictDoNothing().returning();
  const tenantId = tenant?.id ?? (await db.select().from(tenants).where(eq(tenants.externalKey, 'console')))[0]!.id;
  const out: Seeded = { tenantId, branchIds: {}, ids: {}, groupIds: {} };
  for (const [branchName, people] of Object.entries(layout)) {
    const [b] = await db.insert(branches).values({ tenantId, name: branchName, termEnd: term?.termEnd ?? null }).returning();
    out.branchIds[branchName] = b!.id;
    for (const p of people) {
      if (p.group && !out.groupIds[p.group]) {
        const [g] = await db.insert(partyGroups).values({ tenantId, branchId: b!.id, name: p.group }).returning();
        out.groupIds[p.group] = g!.id;
      }
      const [m] = await db.insert(members).values({
        tenantId, branchId: b!.id, name: p.name, status: p.status ?? '正式党员', roles: p.roles ?? [],
        partyGroupId: p.group ? out.groupIds[p.group]! : null,
      }).returning();
      out.ids[p.name] = m!.id;
      if (p.bound !== false) await db.insert(identities).values({ tenantId, platform: 'console', userId: p.name, memberId: m!.id });
    }
  }
  return out;
}

export function jobDeps(bot: TestBot): JobDeps {
  return { db: bot.handle.db, tz: bot.runtime.config.timezone, log: bot.log, config: bot.runtime.config };
}

/** Delivered messages addressed to one console user since `from`. */
export function sentTo(bot: TestBot, name: string, from = 0): string[] {
  return bot.outputs.slice(from).filter((o) => o.startsWith(`[发给 ${name}] `));
}

export async function outboxKeys(bot: TestBot, prefix: string): Promise<string[]> {
  const rows = await bot.handle.db.select({ key: outbox.dedupeKey }).from(outbox).where(like(outbox.dedupeKey, `${prefix}%`));
  return rows.map((r) => r.key).sort();
}

export const at = (s: string) => new Date(`${s}+08:00`);

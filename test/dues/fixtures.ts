import { branches, chats, duesProfiles, identities, members, tenants } from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';
import { monthlyDues, type DuesProfile } from '../../src/domain/dues.ts';
import type { JobDeps } from '../../cron/job.ts';
import type { TestBot } from '../helpers/runtime.ts';

export interface Person {
  name: string;
  roles?: string[];
  status?: string;
  probationarySince?: string | null;
}

/** The console tenant with one branch and its people, each bound to the console user of the same name. */
export async function seedBranch(db: Db, branchName: string, people: Person[], tenantId?: number) {
  const tid = tenantId ?? (await db.insert(tenants).values({ platform: 'console', externalKey: 'console', name: '本地控制台' })
    .onConflictDoNothing().returning())[0]!.id;
  const [branch] = await db.insert(branches).values({ tenantId: tid, name: branchName }).returning();
  const ids: Record<string, number> = {};
  for (const p of people) {
    const [m] = await db.insert(members).values({
      tenantId: tid, branchId: branch!.id, name: p.name, status: p.status ?? '正式党员', roles: p.roles ?? [],
      probationarySince: p.probationarySince === undefined ? '2015-06-01' : p.probationarySince,
    }).returning();
    await db.insert(identities).values({ tenantId: tid, platform: 'console', userId: p.name, memberId: m!.id });
    ids[p.name] = m!.id;
  }
  return { tenantId: tid, branchId: branch!.id, ids };
}

export async function setProfile(db: Db, tenantId: number, memberId: number, effectiveMonth: string, p: DuesProfile) {
  await db.insert(duesProfiles).values({
    tenantId, memberId, effectiveMonth, category: p.category, baseFen: p.baseFen ?? null, fixedFen: p.fixedFen ?? null,
    amountFen: monthlyDues(p), setBy: 'test',
  });
}

export async function bindGroup(db: Db, tenantId: number, branchId: number, chatId: string) {
  await db.insert(chats).values({ tenantId, platform: 'console', chatId, branchId, title: chatId });
}

export function jobDeps(bot: TestBot): JobDeps {
  return { db: bot.handle.db, tz: bot.runtime.config.timezone, log: bot.log, config: bot.runtime.config };
}

/**
 * A month of branch activity in the console tenant, with figures worked out by hand in the tests.
 * 第一党支部 is busy; 第二党支部 held what it owed and has nothing new, so its group hears nothing.
 */
import {
  appeals, branches, chats, developmentSteps, duesPaidMonths, duesPayments, duesProfiles, identities, meetings,
  members, partyGroups, talks, tenants,
} from '../../db/schema/index.ts';
import type { Db } from '../../db/client.ts';

const at = (iso: string) => new Date(`${iso}+08:00`);

export interface Seeded {
  tenantId: number;
  a: number;
  b: number;
  ids: Record<string, number>;
  chatA: number;
  chatB: number;
  chatOff: number;
}

/** Everyone in 第一党支部 (names a group post must never show). */
export const PEOPLE_A = ['张书记', '李委员', '王会计', '赵出纳', '钱党员', '孙党员', '郑党员', '周预备', '吴申请'];

export async function seedMonth(db: Db): Promise<Seeded> {
  const [t] = await db.insert(tenants).values({ platform: 'console', externalKey: 'console', name: '本地控制台' }).returning();
  const tenantId = t!.id;
  const [a] = await db.insert(branches).values({ tenantId, name: '第一党支部', parentOrg: '机关党委' }).returning();
  const [b] = await db.insert(branches).values({ tenantId, name: '第二党支部', parentOrg: '机关党委' }).returning();
  const [group] = await db.insert(partyGroups).values({ tenantId, branchId: a!.id, name: '第一党小组' }).returning();
  const ids: Record<string, number> = {};
  const person = async (branchId: number, name: string, status: string, roles: string[] = [], probationarySince = '2015-06-01') => {
    const [m] = await db.insert(members).values({
      tenantId, branchId, name, status, roles, probationarySince, partyGroupId: branchId === a!.id ? group!.id : null,
    }).returning();
    ids[name] = m!.id;
    await db.insert(identities).values({ tenantId, platform: 'console', userId: name, memberId: m!.id });
  };
  // Seven 正式党员: the branch owes a 支部委员会 every month.
  await person(a!.id, '张书记', '正式党员', ['书记']);
  await person(a!.id, '李委员', '正式党员', ['组织委员']);
  await person(a!.id, '王会计', '正式党员', ['会计']);
  await person(a!.id, '赵出纳', '正式党员', ['出纳']);
  for (const n of ['钱党员', '孙党员', '郑党员']) await person(a!.id, n, '正式党员');
  await person(a!.id, '周预备', '预备党员', [], '2026-03-01');
  await person(a!.id, '吴申请', '入党申请人');
  await person(b!.id, '陈书记', '正式党员', ['书记']);
  await person(b!.id, '林党员', '正式党员');

  const meeting = (branchId: number, kind: string, iso: string, status = 'held', partyGroupId: number | null = null) =>
    db.insert(meetings).values({ tenantId, branchId, kind, status, heldAt: at(iso), partyGroupId, createdAt: at(iso), updatedAt: at(iso) });
  // October: only the 支部委员会 (主题党日 and 党小组会 missed). November: 主题党日, then 支部委员会 and 党课 this week.
  await meeting(a!.id, '支部委员会', '2026-10-10T09:00:00');
  await meeting(a!.id, '主题党日', '2026-11-10T14:30:00');
  await meeting(a!.id, '支部委员会', '2026-11-24T09:00:00');
  await meeting(a!.id, '党课', '2026-11-25T15:00:00');
  await meeting(a!.id, '党小组会', '2026-11-30T10:00:00', 'planned', group!.id);
  await meeting(a!.id, '支部党员大会', '2026-11-26T15:00:00', 'cancelled');
  await meeting(b!.id, '主题党日', '2026-10-15T14:30:00');
  await meeting(b!.id, '主题党日', '2026-11-05T14:30:00');

  // Dues from October: 50.00 元 a month each. October: all but 孙党员 confirmed. November: five
  // confirmed, 郑党员 recorded (awaiting the 出纳), 孙党员 and 周预备 unpaid.
  const party = ['张书记', '李委员', '王会计', '赵出纳', '钱党员', '孙党员', '郑党员', '周预备'];
  for (const n of party) {
    await db.insert(duesProfiles).values({ tenantId, memberId: ids[n]!, category: '在职', baseFen: 500_000, amountFen: 5_000, effectiveMonth: '2026-10', setBy: 'test' });
  }
  const pay = async (name: string, months: string[], confirmed: boolean) => {
    const [p] = await db.insert(duesPayments).values({
      tenantId, branchId: a!.id, memberId: ids[name]!, months, amountFen: 5_000 * months.length, dueFen: 5_000 * months.length,
      status: confirmed ? 'confirmed' : 'recorded', recordedBy: ids['王会计']!, recordedAt: at('2026-11-05T10:00:00'),
      confirmedBy: confirmed ? ids['赵出纳']! : null, confirmedAt: confirmed ? at('2026-11-06T10:00:00') : null,
    }).returning();
    await db.insert(duesPaidMonths).values(months.map((month) => ({ tenantId, memberId: ids[name]!, month, paymentId: p!.id, dueFen: 5_000, confirmed })));
  };
  for (const n of ['张书记', '李委员', '王会计', '赵出纳', '钱党员']) await pay(n, ['2026-10', '2026-11'], true);
  await pay('郑党员', ['2026-10'], true);
  await pay('郑党员', ['2026-11'], false);
  await pay('周预备', ['2026-10'], true);

  const talk = (host: string, guest: string, status: string, when: string) => db.insert(talks).values({
    tenantId, branchId: a!.id, hostId: ids[host]!, guestId: ids[guest]!, status, scheduledAt: at(when),
    heldAt: status === 'held' ? at(when) : null, createdAt: at('2026-01-01T00:00:00'), updatedAt: at(when),
  });
  await talk('李委员', '张书记', 'held', '2026-06-01T10:00:00'); // covers both (committee with committee)
  await talk('张书记', '钱党员', 'held', '2026-11-23T10:00:00'); // this week: covers 钱党员
  await talk('孙党员', '周预备', 'held', '2026-11-24T16:00:00'); // this week: no committee member, covers nobody
  await talk('张书记', '王会计', 'held', '2025-12-20T10:00:00'); // last year
  await talk('张书记', '郑党员', 'accepted', '2026-11-30T10:00:00'); // coming week
  await talk('张书记', '孙党员', 'invited', '2026-12-10T10:00:00'); // too far ahead to count

  // An anonymous appeal past its accept deadline, and a named one resolved in time.
  await db.insert(appeals).values({
    tenantId, branchId: a!.id, year: 2026, seq: 1, number: 'SQ-2026-0001', anonHandle: 7, category: '工作条件',
    content: '食堂排队太久', state: 'submitted', submittedAt: at('2026-11-20T09:00:00'), acceptBy: at('2026-11-23T09:00:00'),
    updatedAt: at('2026-11-20T09:00:00'),
  });
  await db.insert(appeals).values({
    tenantId, branchId: a!.id, year: 2026, seq: 2, number: 'SQ-2026-0002', submitterId: ids['吴申请']!, category: '其他',
    content: '希望增加学习资料', state: 'resolved', submittedAt: at('2026-11-02T09:00:00'), acceptBy: at('2026-11-03T09:00:00'),
    acceptedAt: at('2026-11-02T10:00:00'), resolveBy: at('2026-11-11T18:00:00'), resolvedAt: at('2026-11-09T10:00:00'),
    resolvedOnTime: true, updatedAt: at('2026-11-09T10:00:00'),
  });
  // 入党申请书 on 1 September and no talk since: past the one-month limit.
  await db.insert(developmentSteps).values({
    tenantId, memberId: ids['吴申请']!, step: 1, date: '2026-09-01', recordedByName: '李委员', recordedAt: at('2026-09-01T10:00:00'),
  });

  const bind = async (branchId: number, chatId: string, summaryEnabled = true) =>
    (await db.insert(chats).values({ tenantId, platform: 'console', chatId, branchId, title: chatId, summaryEnabled }).returning())[0]!.id;
  return {
    tenantId, a: a!.id, b: b!.id, ids,
    chatA: await bind(a!.id, '一支部群'), chatB: await bind(b!.id, '二支部群'), chatOff: await bind(a!.id, '一支部旧群', false),
  };
}

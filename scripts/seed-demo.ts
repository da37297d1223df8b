// `npm run seed:demo`: a demo branch on the console tenant, so every command can be tried at once
// with `npm run chat -- --as 王建国` (书记) or any other name below.
import { and, eq } from 'drizzle-orm';
import { branches } from '../db/schema/index.ts';
import { importRoster, type RosterRow } from '../src/org/roster.ts';
import { resolveTenant } from '../src/bot/tenancy.ts';
import { openServiceDb } from './open-service-db.ts';

export const DEMO_BRANCH = '示范党支部';

const people: Array<[string, RosterRow['身份'], RosterRow['职务'], string?]> = [
  ['王建国', '正式党员', ['书记'], '2008-07-01'],
  ['李红', '正式党员', ['副书记', '组织委员'], '2010-06-20'],
  ['赵强', '正式党员', ['宣传委员'], '2012-07-01'],
  ['陈静', '正式党员', ['纪检委员'], '2013-05-04'],
  ['刘芳', '正式党员', ['会计'], '2015-07-01'],
  ['周明', '正式党员', ['出纳'], '2016-07-01'],
  ['张三', '正式党员', [], '2017-07-01'],
  ['李四', '正式党员', [], '2018-07-01'],
  ['王五', '正式党员', [], '2019-07-01'],
  ['孙丽', '正式党员', ['党小组长'], '2019-12-01'],
  ['吴刚', '正式党员', [], '2020-07-01'],
  ['郑洁', '正式党员', [], '2021-06-30'],
  ['冯涛', '正式党员', [], '2022-07-01'],
  ['何敏', '正式党员', [], '2023-07-01'],
  ['高远', '预备党员', [], undefined],
  ['林晓', '入党积极分子', [], undefined],
];

const handle = await openServiceDb();
try {
  const tenant = await resolveTenant(handle.db, 'console', 'console');
  const [existing] = await handle.db.select().from(branches)
    .where(and(eq(branches.tenantId, tenant.id), eq(branches.name, DEMO_BRANCH)));
  if (existing) {
    console.log(`演示数据已存在（${DEMO_BRANCH}）。`);
  } else {
    const rows: RosterRow[] = people.map(([姓名, 身份, 职务, joined], i) => ({
      姓名, 身份, 职务,
      工号: `D${String(i + 1).padStart(3, '0')}`,
      支部: DEMO_BRANCH,
      党小组: i % 2 === 0 ? '第一党小组' : '第二党小组',
      出生日期: `${1975 + i}-03-15`,
      转预备日期: 身份 === '预备党员' ? '2026-06-28' : joined ? shiftYear(joined, -1) : undefined,
      转正日期: 身份 === '正式党员' ? joined : undefined,
    }));
    await importRoster(handle.db, tenant.id, rows, 'system:seed-demo');
    await handle.db.update(branches).set({ parentOrg: '示范公司党委', termStart: '2024-01-10', termEnd: '2027-01-09' })
      .where(and(eq(branches.tenantId, tenant.id), eq(branches.name, DEMO_BRANCH)));
    console.log(`已创建“${DEMO_BRANCH}”及 ${rows.length} 名成员。试试：npm run chat -- --as 王建国`);
  }
} finally {
  await handle.close();
}

function shiftYear(date: string, years: number): string {
  return `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;
}

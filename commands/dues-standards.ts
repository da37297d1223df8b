import { eq } from 'drizzle-orm';
import { branches } from '../db/schema/index.ts';
import { arg, option } from '../src/bot/args.ts';
import { command } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { PARTY_STATUSES } from '../src/bot/roles.ts';
import { localMonth } from '../src/domain/calendar.ts';
import { DUES_CATEGORIES, formatYuan } from '../src/domain/dues.ts';
import { branchCollectionDay } from '../src/dues/collection.ts';
import { loadLedgers, profileIn } from '../src/dues/ledger.ts';
import { monthZh } from '../src/dues/months.ts';
import { buildProfile, CATEGORY_ALIASES, describeProfile, saveProfile } from '../src/dues/profiles.ts';
import { assertInBranch, findMember, targetBranch } from '../src/org/members.ts';

const MANAGERS = { roles: ['书记', '会计'] as const };
const text = (t: string) => ({ kind: 'text' as const, text: t });

export const duesSetStandard = command({
  name: '党费 标准',
  aliases: ['dues set'],
  args: {
    who: arg.text('姓名、工号或@某人'),
    category: arg.choice('类别', [...DUES_CATEGORIES, '免交'] as const, CATEGORY_ALIASES),
    amount: arg.money('金额（在职、离退休填每月税后收入；农民、核定填每月党费）').optional(),
  },
  options: {
    from: option(['起始', '自'], arg.month('起始月份').optional()),
    note: option(['说明', '批准'], arg.text('说明，如批准文件', { max: 100 }).optional()),
  },
  access: MANAGERS,
  chat: 'private',
  help: '设置党员的党费类别和计算基数（新基数从其领取新工资的当月起执行）',
  examples: ['党费 标准 张三 在职 6500', '党费 标准 李四 离退休 4200 起始:2026-07', '党费 标准 王五 学生', '党费 标准 赵六 免交 说明:公司党委批准'],
  run: async ({ who, category, amount, from, note }, ctx) => {
    const member = await findMember(ctx, who);
    assertInBranch(ctx, member.branchId);
    if (!(PARTY_STATUSES as readonly string[]).includes(member.status)) {
      throw new UserError(`“${member.name}”的身份是${member.status}，预备党员和正式党员才交纳党费。`);
    }
    const exempt = category === '免交';
    const profile = buildProfile(exempt ? '核定' : category, amount, exempt);
    const month = from ?? localMonth(ctx.now, ctx.tz);
    const row = await saveProfile(ctx, member.id, profile, month, note ?? null);
    const ignored = amount !== undefined && row.baseFen === null && row.fixedFen === null ? '（该类别按规定固定金额，已忽略所填金额）' : '';
    return text(`已设置${member.name}的党费标准：${describeProfile(row)}${ignored}，自${monthZh(month)}起每月应交党费 ${formatYuan(row.amountFen)} 元。`);
  },
});

export const duesAnnualFix = command({
  name: '党费 核定',
  aliases: ['dues fix'],
  args: { year: arg.year('年份').optional() },
  options: { branch: option('支部', arg.text('支部名称').optional()) },
  access: MANAGERS,
  chat: 'private',
  help: '年初核定：按1月份的党费标准核定本支部每名党员全年每月交纳数额，年内一般不变动',
  examples: ['党费 核定 2027'],
  run: async ({ year: y, branch: branchName }, ctx) => {
    const branch = await targetBranch(ctx, branchName);
    const year = y ?? Number(localMonth(ctx.now, ctx.tz).slice(0, 4));
    const jan = `${year}-01`;
    const ledgers = await loadLedgers(ctx.db, { tenantId: ctx.tenant.id, branchId: branch.id }, { from: jan, until: jan });
    if (!ledgers.length) throw new UserError(`“${branch.name}”还没有预备党员或正式党员。`);
    const fixed: string[] = [];
    const missing: string[] = [];
    for (const l of ledgers) {
      const p = profileIn(l.profiles, jan);
      if (!p) { missing.push(l.member.name); continue; }
      if (p.category === '核定' && p.effectiveMonth === jan) { fixed.push(l.member.name); continue; }
      const note = `${year}年初核定：${describeProfile(p)}`;
      await saveProfile(ctx, l.member.id, buildProfile('核定', p.amountFen), jan, note);
      fixed.push(l.member.name);
    }
    return text([
      `已核定“${branch.name}”${year}年度党费：${fixed.length} 人，全年每月按核定数额交纳。`,
      missing.length ? `以下党员1月尚无党费标准，未核定：${missing.join('、')}。请先发送“党费 标准”设置。` : '',
      '年内党员收入变化，一般下次核定时调整；确需调整的，可再用“党费 标准”设置。',
    ].filter(Boolean).join('\n'));
  },
});

export const duesCollectionDaySet = command({
  name: '党费 收缴日',
  aliases: ['dues day'],
  args: { day: arg.int('每月几日', { min: 1, max: 28 }) },
  options: { branch: option('支部', arg.text('支部名称').optional()) },
  access: MANAGERS,
  help: '设置本支部每月收缴党费的日子（默认每月5日），当天提醒有未交月份的党员',
  examples: ['党费 收缴日 10'],
  run: async ({ day, branch: branchName }, ctx) => {
    const branch = await targetBranch(ctx, branchName);
    const before = branchCollectionDay(branch.settings, ctx.tenant.settings);
    const settings = { ...branch.settings, duesCollectionDay: day };
    const [row] = await ctx.db.update(branches).set({ settings }).where(eq(branches.id, branch.id)).returning();
    await ctx.audit({ action: 'update', entity: 'branch', entityId: branch.id, before: { duesCollectionDay: before }, after: { duesCollectionDay: day } });
    return text(`已将“${row!.name}”的党费收缴日设为每月 ${day} 日（原为 ${before} 日）。当天上午会私信提醒有未交月份的党员。`);
  },
});

export const duesStandardCommands = [duesSetStandard, duesAnnualFix, duesCollectionDaySet];

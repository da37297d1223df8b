/**
 * The tenant's corrections to the working-day calendar behind every working-day deadline: a year
 * whose State Council holiday notice chinese-days does not carry yet, or a local arrangement.
 */
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { workdayOverrides } from '../db/schema/index.ts';
import { arg } from '../src/bot/args.ts';
import { command, type AnyCommand } from '../src/bot/command.ts';
import type { Reply } from '../src/bot/types.ts';
import { localParts } from '../src/domain/calendar.ts';
import { coversYear, isWorkingDay } from '../src/domain/workdays.ts';

const text = (t: string): Reply => ({ kind: 'text', text: t });

export const workdaySet = command({
  name: '工作日 设置',
  aliases: ['workday set'],
  args: {
    day: arg.date('日期'),
    kind: arg.choice('安排', ['上班', '休息', '默认'] as const, { 工作日: '上班', 调休上班: '上班', 放假: '休息', 假日: '休息', 恢复: '默认' }),
    note: arg.rest('说明', { max: 60 }).optional(),
  },
  access: 'admin',
  help: '按国务院办公厅放假通知调整某天是否上班（用于诉求等按工作日计算的时限）；“默认”恢复原安排',
  examples: ['工作日 设置 2027-02-08 休息 春节', '工作日 设置 2027-02-20 上班 春节调休', '工作日 设置 2027-02-08 默认'],
  run: async ({ day, kind, note }, ctx) => {
    const where = and(eq(workdayOverrides.tenantId, ctx.tenant.id), eq(workdayOverrides.day, day));
    const [before] = await ctx.db.select().from(workdayOverrides).where(where).limit(1);
    if (kind === '默认') {
      await ctx.db.delete(workdayOverrides).where(where);
    } else {
      const values = { kind: kind === '上班' ? 'work' : 'off', note: note ?? null };
      await ctx.db.insert(workdayOverrides).values({ tenantId: ctx.tenant.id, day, ...values })
        .onConflictDoUpdate({ target: [workdayOverrides.tenantId, workdayOverrides.day], set: values });
    }
    await ctx.audit({ action: 'workday.set', entity: 'workday_override', entityId: day, before: before ?? null, after: { day, kind } });
    const now = kind === '默认' ? (isWorkingDay(day) ? '工作日' : '休息日') : kind === '上班' ? '工作日' : '休息日';
    return text(`已设置：${day} 为${now}${kind === '默认' ? '（恢复原安排）' : ''}。此后计算的时限按新安排。`);
  },
});

export const workdayList = command({
  name: '工作日 查看',
  aliases: ['workday list'],
  args: { year: arg.year('年份').optional() },
  access: 'member',
  help: '查看某年的节假日安排是否已内置，以及本单位的调整',
  examples: ['工作日 查看 2027'],
  run: async (input, ctx) => {
    const year = input.year ?? localParts(ctx.now, ctx.tz).year;
    const rows = await ctx.db.select().from(workdayOverrides)
      .where(and(eq(workdayOverrides.tenantId, ctx.tenant.id), gte(workdayOverrides.day, `${year}-01-01`), lt(workdayOverrides.day, `${year + 1}-01-01`)))
      .orderBy(asc(workdayOverrides.day));
    const covered = coversYear(year)
      ? `${year}年的法定节假日和调休已按国务院安排内置。`
      : `${year}年的放假安排尚未内置，目前按周一至周五计算；国务院办公厅通知发布后，请管理员用“工作日 设置”逐日录入。`;
    const lines = rows.map((r) => `${r.day} ${r.kind === 'work' ? '上班' : '休息'}${r.note ? `（${r.note}）` : ''}`);
    return text(`${covered}${lines.length ? `\n本单位调整：\n${lines.join('\n')}` : ''}`);
  },
});

export const workdayCommands: AnyCommand[] = [workdaySet, workdayList];

/** 谈话 覆盖: party members with no talk with a committee member this year (支部工作条例 Art.19). */
import { arg, option } from '../src/bot/args.ts';
import { command } from '../src/bot/command.ts';
import { COMMITTEE_ROLES } from '../src/bot/roles.ts';
import { localParts } from '../src/domain/calendar.ts';
import { targetBranch } from '../src/org/members.ts';
import { uncoveredByBranch } from '../src/talks/coverage.ts';

export const talkCoverage = command({
  name: '谈话 覆盖',
  aliases: ['talk coverage'],
  args: { year: arg.year('年份').optional() },
  options: { branch: option('支部', arg.text('支部名称').optional()) },
  access: { roles: COMMITTEE_ROLES },
  help: '列出本年度尚未与支委谈心谈话的党员（支部工作条例：每年一般不少于1次）',
  examples: ['谈话 覆盖', '谈话 覆盖 2025'],
  chat: 'private',
  run: async (input, ctx) => {
    const branch = await targetBranch(ctx, input.branch);
    const year = input.year ?? localParts(ctx.now, ctx.tz).year;
    const missing = (await uncoveredByBranch(ctx.db, { year, tz: ctx.tz, branchIds: [branch.id] })).get(branch.id) ?? [];
    const title = `${branch.name} · ${year}年谈心谈话覆盖`;
    if (!missing.length) {
      return { kind: 'card', title, tone: 'success', text: `${year}年本支部党员都已与支委谈心谈话至少1次。` };
    }
    return {
      kind: 'card', title, tone: 'warning',
      text: `以下 ${missing.length} 名党员${year}年还没有与支委谈心谈话：\n${missing.map((m) => m.name).join('、')}\n\n`
        + '按支部工作条例，支委与党员之间的谈心谈话每年一般不少于1次。可发送“谈话 预约 <姓名> <时间>”安排；'
        + '已谈过但没有记录的，可发送“谈话 补录”补记。',
    };
  },
});

import { arg, option } from '../../src/bot/args.ts';
import { command, type AnyCommand } from '../../src/bot/command.ts';
import type { Asker } from '../../src/bot/context.ts';
import type { BranchRole, MemberStatus } from '../../src/bot/roles.ts';
import { PARTY_STATUSES } from '../../src/bot/roles.ts';

const ok = (text: string) => ({ kind: 'text' as const, text });

export const duesCalc = command({
  name: '党费 计算',
  aliases: ['dues calc'],
  args: { base: arg.money('月收入（税后，元）') },
  options: { reason: option(['原因', 'reason'], arg.text('原因').optional()) },
  access: 'member',
  help: '按2008年党费规定计算每月应交党费',
  examples: ['党费 计算 6500'],
  run: ({ base }) => ok(`${base}`),
});

export const duesShow = command({
  name: '党费',
  access: { statuses: PARTY_STATUSES },
  chat: 'private',
  help: '查看本人党费缴纳情况',
  run: () => ok('党费'),
});

export const duesReport = command({
  name: '党费 统计',
  args: { month: arg.month('月份').optional() },
  access: { roles: ['书记', '会计'] },
  help: '查看支部党费收缴情况',
  examples: ['党费 统计 上月'],
  run: ({ month }) => ok(month ?? ''),
});

export const meetingAdd = command({
  name: '会议 安排',
  aliases: ['meeting add'],
  args: {
    when: arg.datetime('会议时间'),
    kind: arg.choice('会议类型', ['支委会', '党员大会', '党小组会', '党课'] as const),
    note: arg.rest('备注').optional(),
  },
  options: { topic: option(['主题', 'topic'], arg.text('会议主题')) },
  access: { roles: ['书记', '组织委员'] },
  chat: 'group',
  help: '安排一次“三会一课”并通知参会人员',
  examples: ['会议 安排 下周三下午3点 支委会 主题:“研究发展党员工作”'],
  run: ({ when, kind, topic }) => ok(`${when.toISOString()} ${kind} ${topic}`),
});

export const helpCmd = command({ name: '帮助', aliases: ['help'], access: 'anyone', help: '查看可用的命令', run: () => ok('帮助') });

export const adminOnly = command({ name: '系统 状态', access: 'admin', help: '查看发送队列与运行状态', run: () => ok('ok') });

export const hiddenCmd = command({ name: '会议 回执', access: 'member', hidden: true, help: '按钮回执', run: () => ok('') });

export const ALL: AnyCommand[] = [duesCalc, duesShow, duesReport, meetingAdd, helpCmd, adminOnly, hiddenCmd];

export function asker(opts: { admin?: boolean; roles?: BranchRole[]; status?: MemberStatus; bound?: boolean } = {}): Asker {
  const bound = opts.bound ?? (opts.roles !== undefined || opts.status !== undefined);
  return {
    platform: 'console',
    userId: 'u1',
    isAdmin: opts.admin ?? false,
    ...(bound
      ? { member: { id: 1, name: '张三', branchId: 1, status: opts.status ?? '正式党员', roles: opts.roles ?? [] } }
      : {}),
  };
}

/** The branch's development ledger as a card: who is at which stage, their last step and next time limit. */
import type { CardReply } from '../bot/types.ts';
import type { DevelopmentSettings } from '../domain/development.ts';
import { stepLabel } from './format.ts';
import { IN_DEVELOPMENT, type PersonSteps } from './store.ts';
import { obligationLine, openObligations } from './timeline.ts';

const ORDER = [...IN_DEVELOPMENT, '正式党员', '群众'];

export function ledgerCard(branchName: string, people: readonly PersonSteps[], settings: DevelopmentSettings, today: string): CardReply {
  const title = `${branchName} · 发展党员台账`;
  const buttons = [{ label: '导出 Excel', command: '发展 导出' }];
  if (!people.length) return { kind: 'card', title, tone: 'info', text: '本支部还没有发展党员的记录。可发送“发展 登记 <姓名> 递交申请书 <日期>”开始登记。' };
  const sorted = [...people].sort((a, b) => ORDER.indexOf(a.member.status) - ORDER.indexOf(b.member.status));
  const lines: string[] = [];
  let current = '';
  let overdue = 0;
  for (const { member, steps } of sorted) {
    if (member.status !== current) {
      current = member.status;
      const n = sorted.filter((p) => p.member.status === current).length;
      lines.push(`${lines.length ? '\n' : ''}**${current}（${n}人）**`);
    }
    const last = steps.at(-1);
    const open = openObligations(member, steps, settings, today);
    const pick = open.find((o) => o.level === 'overdue') ?? open.find((o) => o.level !== 'info') ?? open[0];
    if (open.some((o) => o.level === 'overdue')) overdue++;
    lines.push([
      member.name,
      last ? `最近：${stepLabel(last.step)} ${last.date}` : '尚无步骤记录',
      pick ? obligationLine(pick) : '',
    ].filter(Boolean).join('　'));
  }
  const footer = `\n\n共${people.length}人${overdue ? `，其中${overdue}人有逾期事项` : ''}。发送“发展 <姓名>”查看个人记录。`;
  return { kind: 'card', title, tone: overdue ? 'warning' : 'info', text: lines.join('\n') + footer, buttons };
}

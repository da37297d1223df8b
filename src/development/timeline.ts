/** One person's development record as a card: steps by stage, what comes next, open time limits. */
import type { CardField, CardReply } from '../bot/types.ts';
import { STAGES, STEPS, deadlines, probationEnd, type DevelopmentSettings } from '../domain/development.ts';
import type { MemberRow } from '../org/members.ts';
import { LEVEL_MARK, detailsText, nextSteps, obligations, stepLabel, type Obligation } from './format.ts';
import { IN_DEVELOPMENT, thoughtReportDates, toRecord, type StepRow } from './store.ts';

const STAGE_NUMERALS = ['一', '二', '三', '四', '五'];

/** `⑮支部大会讨论　2026-01-31（表决：应到9人…；材料：支部大会决议）` */
export function stepLine(r: StepRow): string {
  const extra = [
    detailsText(r.details),
    r.doneBy ? `经办：${r.doneBy}` : '',
    r.documents.length ? `材料：${r.documents.join('、')}` : '',
    r.note ? `备注：${r.note}` : '',
  ].filter(Boolean);
  return `${stepLabel(r.step)}　${r.date}${extra.length ? `（${extra.join('；')}）` : ''}`;
}

/** The open time limits of a person still in development; none once they are 正式党员 or 群众. */
export function openObligations(member: MemberRow, rows: readonly StepRow[], settings: DevelopmentSettings, today: string): Obligation[] {
  if (!IN_DEVELOPMENT.includes(member.status as (typeof IN_DEVELOPMENT)[number])) return [];
  return obligations(deadlines(rows.map(toRecord), settings, thoughtReportDates(rows)), today);
}

export function obligationLine(o: Obligation): string {
  return `${LEVEL_MARK[o.level]}${o.text}`;
}

export function timelineCard(member: MemberRow, rows: readonly StepRow[], settings: DevelopmentSettings, today: string): CardReply {
  const history = rows.map(toRecord);
  const fields: CardField[] = [{ label: '当前身份', value: member.status }];
  if (member.birthDate) fields.push({ label: '出生日期', value: member.birthDate });
  const meeting = history.find((r) => r.step === 15);
  const end = probationEnd(history);
  if (meeting && end) fields.push({ label: '预备期', value: `${meeting.date} 至 ${end}` });
  if (member.fullSince) fields.push({ label: '转为正式党员', value: member.fullSince });

  const lines: string[] = [];
  for (const stage of STAGES) {
    const own = rows.filter((r) => STEPS[r.step - 1]?.stage === stage.stage);
    if (!own.length) continue;
    lines.push(`**${STAGE_NUMERALS[stage.stage - 1]}、${stage.name}**`, ...own.map(stepLine));
  }
  if (!lines.length) lines.push('还没有发展党员步骤记录。');
  const next = nextSteps(history);
  if (next.length && member.status !== '正式党员') lines.push('', `**下一步**：${next.slice(0, 4).map(stepLabel).join('、')}`);
  const open = openObligations(member, rows, settings, today);
  if (open.length) lines.push('', '**时间节点**', ...open.map(obligationLine));
  const tone = open.some((o) => o.level === 'overdue') ? 'warning' : 'info';
  return { kind: 'card', title: `发展党员记录 · ${member.name}`, tone, fields, text: lines.join('\n') };
}

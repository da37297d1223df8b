/** The words of the collection-day reminder and of the escalation ladder (党费规定 Art.13, 党章 Art.9). */
import type { Reply } from '../bot/types.ts';
import { addMonths } from '../domain/calendar.ts';
import { formatYuan, LAPSE_WARNING, MAX_BACK_MONTHS, type Escalation } from '../domain/dues.ts';
import { monthsZh } from './months.ts';

export function memberReminder(input: {
  name: string; months: readonly string[]; amounts: readonly number[]; currentMonth: string; level: Escalation;
}): Reply {
  const total = input.amounts.reduce((s, a) => s + a, 0);
  const single = input.months.length === 1 && input.months[0] === input.currentMonth;
  const what = single
    ? `本月党费 ${formatYuan(total)} 元`
    : `${input.months.length} 个月的党费：${monthsZh(input.months)}，共 ${formatYuan(total)} 元`;
  const tooOld = input.months.some((m) => m < addMonths(input.currentMonth, -MAX_BACK_MONTHS));
  const lines = [
    `${input.name}同志，您好！今天是支部党费收缴日，请交纳${what}。`,
    '请交给支部会计；已经交过的，可发送“党费 报告 <说明>”告诉会计。谢谢！',
  ];
  if (tooOld) lines.push('其中超过6个月的月份，请与支部书记联系补交事宜。');
  if (input.level === 'warn_lapse' || input.level === 'flag_meeting') {
    lines.push(`请注意：${LAPSE_WARNING}。如有困难或正当理由，请及时向支部书记说明。`);
  }
  return {
    kind: 'card',
    title: '党费交纳提醒',
    tone: input.level === 'remind' || input.level === 'none' ? 'info' : 'warning',
    text: lines.join('\n'),
    buttons: [{ label: '查看我的党费', command: '党费' }],
  };
}

/** What the branch secretary is told about one member, by level; undefined below 3 months. */
export function secretaryNotice(input: { name: string; run: number; runMonths: readonly string[]; level: Escalation }): Reply | undefined {
  const { name, run, level } = input;
  const talk = { label: '预约谈话', command: `谈话 预约 ${name}`, style: 'primary' as const };
  const since = `${name}已连续 ${run} 个月未交纳党费（${monthsZh(input.runMonths)}）。`;
  if (level === 'talk') {
    return {
      kind: 'card', title: `建议谈心谈话：${name}`, tone: 'warning', buttons: [talk],
      text: `${since}按党费规定第十三条，请及时与其谈心谈话，了解原因，进行批评教育，限期改正。`,
    };
  }
  if (level === 'warn_lapse') {
    return {
      kind: 'card', title: `党费逾期预警：${name}`, tone: 'warning', buttons: [talk],
      text: `${since}已同时告知本人：${LAPSE_WARNING}。请核实有无正当理由，再次与其谈话，督促按期补交。`,
    };
  }
  if (level === 'flag_meeting') {
    return {
      kind: 'card', title: `提请支部党员大会：${name}`, tone: 'danger', buttons: [talk],
      text: `${since}按党章第九条，党员无正当理由连续六个月不交纳党费的，被认为是自行脱党，`
        + '由支部党员大会决定除名，并报上级党组织批准。请先核实有无正当理由，并将此事列入支部党员大会议题。',
    };
  }
  return undefined;
}

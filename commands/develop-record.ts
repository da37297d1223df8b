import { arg, option } from '../src/bot/args.ts';
import { command } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import type { CardField } from '../src/bot/types.ts';
import { localDate } from '../src/domain/calendar.ts';
import { findStep, probationEnd, STAGES, STEPS } from '../src/domain/development.ts';
import { parseSettings } from '../src/domain/settings.ts';
import { nextSteps, stepLabel } from '../src/development/format.ts';
import { recordStep } from '../src/development/record.ts';
import { stepsOf } from '../src/development/store.ts';
import { obligationLine, openObligations, stepLine } from '../src/development/timeline.ts';
import { undoLastStep } from '../src/development/undo.ts';

/** The issue names the 组织委员 or 书记 as the ones who keep the ledger. */
const KEEPERS = { roles: ['书记', '组织委员'] as const };

function stepOf(text: string) {
  const step = findStep(text);
  if (!step) {
    throw new UserError(`没有“${text}”这个步骤。可写步骤名称、简称或序号（1–25），例如 递交申请书、政审、15。`
      + '发送“发展 步骤”查看全部25个步骤。');
  }
  return step;
}

export const developRecord = command({
  name: '发展 登记',
  aliases: ['develop record'],
  args: {
    who: arg.text('姓名、工号或@某人', { max: 40 }),
    step: arg.text('步骤', { max: 20 }),
    date: arg.date('日期（默认今天）').optional(),
  },
  options: {
    doneBy: option(['经办人', '谈话人', '联系人', '经办'], arg.text('经办人，如谈话人、培养联系人', { max: 60 }).optional()),
    documents: option(['材料'], arg.text('收到的材料，多个用逗号分隔，“无”表示没有', { max: 200 }).optional()),
    note: option(['备注'], arg.text('备注', { max: 200 }).optional()),
    birthDate: option(['出生日期', '生日'], arg.date('出生日期（第1步核对年满18岁）').optional()),
    introducers: option(['介绍人'], arg.text('两名正式党员，用逗号分隔，如 张三,李四', { max: 60 }).optional()),
    training: option(['培训'], arg.text('培训时长，如 3天 或 24学时', { max: 20 }).optional()),
    eligible: option(['应到'], arg.int('应到会有表决权的正式党员人数（默认本支部正式党员数）', { min: 0, max: 100000 }).optional()),
    present: option(['实到'], arg.int('实到有表决权人数', { min: 0, max: 100000 }).optional()),
    inFavour: option(['赞成'], arg.int('赞成人数（含书面意见）', { min: 0, max: 100000 }).optional()),
    extension: option(['延长'], arg.text('延长预备期月数，6至12个月，如 6个月', { max: 20 }).optional()),
  },
  access: KEEPERS,
  chat: 'private',
  help: '登记发展党员的一个步骤（25个步骤之一），登记前按《发展党员工作细则》核对条件和时限',
  examples: [
    '发展 登记 王五 递交申请书 2026-03-01 出生日期:2000-05-01',
    '发展 登记 王五 谈话 2026-03-20 谈话人:张三',
    '发展 登记 王五 介绍人 2025-09-15 介绍人:张三,李四',
    '发展 登记 王五 集中培训 2025-11-10 培训:3天',
    '发展 登记 王五 支部大会 2026-01-31 应到:9 实到:7 赞成:6',
    '发展 登记 王五 转正 2027-02-01 应到:9 实到:8 赞成:8 延长:6个月',
  ],
  run: async (input, ctx) => {
    const step = stepOf(input.step);
    const { row, history, before, after } = await recordStep(ctx, input.who, { ...input, step });
    const fields: CardField[] = [];
    if (before.status !== after.status) fields.push({ label: '身份', value: `${before.status} → ${after.status}` });
    const d15 = history.find((r) => r.step === 15)?.date;
    if (step.no === 15 || (step.no === 23 && row.details.extensionMonths)) {
      fields.push({ label: '预备期', value: `${d15} 至 ${probationEnd(history)}` });
    }
    if (step.no === 17) {
      fields.push({ label: '转为预备党员', value: `${after.probationarySince}（支部大会通过之日），预备期和党费均自该日起计算` });
    }
    if (step.no === 24) fields.push({ label: '转为正式党员', value: `${after.fullSince}（预备期满之日），党龄自该日起计算` });
    const next = nextSteps(history);
    if (next.length && after.status !== '正式党员') fields.push({ label: '下一步', value: next.slice(0, 3).map(stepLabel).join('、') });
    const rows = await stepsOf(ctx.db, ctx.tenant.id, after.id);
    const open = openObligations(after, rows, parseSettings(ctx.tenant.settings).development, localDate(ctx.now, ctx.tz));
    if (open.length) fields.push({ label: '时间节点', value: open.slice(0, 3).map(obligationLine).join('\n') });
    return { kind: 'card', title: `已登记 · ${after.name}`, tone: 'success', text: stepLine(row), fields };
  },
});

export const developUndo = command({
  name: '发展 撤销',
  aliases: ['develop undo'],
  args: { who: arg.text('姓名、工号或@某人', { max: 40 }) },
  access: KEEPERS,
  chat: 'private',
  help: '撤销某人最近登记的一个发展步骤（登记有误时使用），由该步骤带来的身份变化一并撤回',
  examples: ['发展 撤销 王五'],
  run: async ({ who }, ctx) => {
    const { row, before, after } = await undoLastStep(ctx, who);
    const status = before.status !== after.status ? `身份已由“${before.status}”恢复为“${after.status}”。` : '';
    return { kind: 'text', text: `已撤销${after.name}的${stepLabel(row.step)}（${row.date}）。${status}` };
  },
});

export const developSteps = command({
  name: '发展 步骤',
  aliases: ['develop steps'],
  access: 'member',
  help: '查看发展党员的五个阶段、25个步骤和登记时可用的简称',
  run: () => {
    const lines = STAGES.flatMap((stage, i) => [
      `**${'一二三四五'[i]}、${stage.name}**`,
      ...STEPS.filter((s) => s.stage === stage.stage).map((s) => `${stepLabel(s.no)}（${s.aliases.slice(0, 3).join('、')}）`),
    ]);
    return {
      kind: 'card', title: '发展党员 25 个步骤', tone: 'info',
      text: `${lines.join('\n')}\n\n登记时可写步骤全称、括号中的简称或序号，例如“发展 登记 王五 政审 2025-10-20”。`,
    };
  },
});

export const developRecordCommands = [developRecord, developUndo, developSteps];

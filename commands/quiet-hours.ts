// The tenant's quiet hours: reminders, notices and summaries wait for the end of the window
// (src/notify/outbox.ts, sender.ts); replies to a user's own message never do.
import { arg } from '../src/bot/args.ts';
import { command } from '../src/bot/command.ts';
import type { CommandContext } from '../src/bot/context.ts';
import { parseTimeOfDay } from '../src/bot/dates.ts';
import { UserError } from '../src/bot/errors.ts';
import type { Reply } from '../src/bot/types.ts';
import { parseSettings, type QuietHours } from '../src/domain/settings.ts';
import { updateTenantSettings } from '../src/org/tenant-settings.ts';

const text = (t: string): Reply => ({ kind: 'text', text: t });
const pad = (n: number) => String(n).padStart(2, '0');

/** `晚上10点 / 22:00 / 7:30` → `HH:MM` in the tenant's zone. */
function hhmm(input: string, label: string, ctx: CommandContext): string {
  const t = parseTimeOfDay(input, ctx.now, ctx.tz);
  if (!t) throw new UserError(`“${label}”应为一天中的时间，例如 22:00 或 晚上10点，您输入的是“${input}”。`);
  return `${pad(t.hh)}:${pad(t.mi)}`;
}

/** `每天 22:00 至次日 08:00` */
export function describeQuiet(q: QuietHours): string {
  if (q.start === q.end) return '未设置（提醒和通知随时送出）';
  return `每天 ${q.start} 至${q.start > q.end ? '次日' : ''} ${q.end}`;
}

const save = (ctx: CommandContext, quietHours: QuietHours) => updateTenantSettings(ctx, { quietHours });

export const quietShow = command({
  name: '免打扰',
  aliases: ['quiet hours'],
  access: 'admin',
  help: '查看本单位的免打扰时段：其间不发提醒、通知和周报，时段结束后送出',
  examples: ['免打扰'],
  run: (_input, ctx) => {
    const q = parseSettings(ctx.tenant.settings).quietHours;
    return text(`免打扰时段：${describeQuiet(q)}。\n其间的提醒、通知和周报在时段结束后送出；机器人对您消息的回复不受影响。\n修改：“免打扰 设置 22:00 08:00”；关闭：“免打扰 关闭”。`);
  },
});

export const quietSet = command({
  name: '免打扰 设置',
  aliases: ['quiet set'],
  args: { start: arg.text('开始时间'), end: arg.text('结束时间') },
  access: 'admin',
  help: '设置全单位的免打扰时段（默认 22:00 至次日 08:00）',
  examples: ['免打扰 设置 22:00 08:00', '免打扰 设置 晚上9点半 早上7点'],
  run: async ({ start, end }, ctx) => {
    const q = { start: hhmm(start, '开始时间', ctx), end: hhmm(end, '结束时间', ctx) };
    if (q.start === q.end) throw new UserError('开始和结束时间相同。如不需要免打扰，请发送“免打扰 关闭”。');
    await save(ctx, q);
    return text(`已设置免打扰时段：${describeQuiet(q)}。其间的提醒、通知和周报在时段结束后送出。`);
  },
});

export const quietOff = command({
  name: '免打扰 关闭',
  aliases: ['quiet off'],
  access: 'admin',
  help: '关闭免打扰：提醒、通知和周报随时送出',
  examples: ['免打扰 关闭'],
  run: async (_input, ctx) => {
    await save(ctx, { start: '00:00', end: '00:00' });
    return text('已关闭免打扰：提醒、通知和周报随时送出。如需恢复，发送“免打扰 设置 22:00 08:00”。');
  },
});

export const quietCommands = [quietShow, quietSet, quietOff];

/** A handler's open appeals, and whether a resolved appeal goes on the weekly 公示 board. */
import { and, asc, eq, inArray, isNull, or } from 'drizzle-orm';
import { appeals } from '../db/schema/index.ts';
import { envOf } from '../src/appeals/env.ts';
import { OPEN_STATES, deadlineText, stateLabel } from '../src/appeals/format.ts';
import { applyChange, forOfficer, isSupervisorOf, officerActor } from '../src/appeals/store.ts';
import { arg } from '../src/bot/args.ts';
import { command, type AnyCommand } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import type { Reply } from '../src/bot/types.ts';
import { asTyped } from '../src/appeals/text.ts';

const text = (t: string): Reply => ({ kind: 'text', text: t });

export const appealQueue = command({
  name: '诉求 待办',
  aliases: ['appeal todo'],
  access: 'member',
  chat: 'private',
  help: '列出由您承办、尚未办结的诉求（书记、副书记还能看到本支部待分派的诉求）',
  examples: ['诉求 待办'],
  run: async (_input, ctx) => {
    const me = ctx.asker.member;
    if (!me) throw new UserError('您的账号尚未绑定成员信息，没有承办的诉求。');
    const unassigned = me.branchId && isSupervisorOf(ctx, me.branchId)
      ? and(isNull(appeals.handlerId), eq(appeals.branchId, me.branchId)) : undefined;
    const rows = await ctx.db.select().from(appeals)
      .where(and(eq(appeals.tenantId, ctx.tenant.id), inArray(appeals.state, [...OPEN_STATES]),
        unassigned ? or(eq(appeals.handlerId, me.id), unassigned) : eq(appeals.handlerId, me.id)))
      .orderBy(asc(appeals.acceptBy)).limit(50);
    if (!rows.length) return text('目前没有待您办理的诉求。');
    const lines = rows.map((a) => `${a.number} ${a.category}${a.urgency === 'urgent' ? '（紧急）' : ''} ${stateLabel(a.state)}`
      + `${a.handlerId === null ? '（待分派）' : ''} · ${deadlineText(a, ctx.tz, ctx.now)}`);
    return { kind: 'card', title: `待办诉求（${rows.length}件）`, text: `${lines.join('\n')}\n\n查看详情：诉求 进度 <编号>` };
  },
});

export const appealPublish = command({
  name: '诉求 公示',
  aliases: ['appeal publish'],
  args: { number: arg.text('诉求编号，例如 SQ-2026-0001'), choice: arg.rest('“公示”“不公示”或公示摘要', { max: 120 }) },
  access: 'member',
  chat: 'private',
  help: '设置已办结诉求是否进入每周公示，或改写公示摘要（不要写任何人的姓名）',
  examples: ['诉求 公示 SQ-2026-0001 不公示', '诉求 公示 SQ-2026-0001 反映加班费发放不及时，已协调财务部补发'],
  run: async ({ number, choice }, ctx) => {
    const { a } = await forOfficer(ctx, number);
    const c = asTyped(ctx.message.text, choice).trim();
    const patch = c === '不公示' ? { publish: false } : c === '公示' ? { publish: true } : { publish: true, publicSummary: c };
    const note = c === '不公示' ? '不公示' : c === '公示' ? '公示' : `公示摘要：${c}`;
    await applyChange(envOf(ctx), a, { action: 'publish', actor: officerActor(ctx), note, patch });
    if (!patch.publish) return text(`诉求 ${a.number} 不进入每周公示。`);
    return text(`诉求 ${a.number} 办结后会进入每周公示${'publicSummary' in patch ? '，使用您写的摘要' : ''}（身份信息会被去除）。`);
  },
});

export const appealQueueCommands: AnyCommand[] = [appealQueue, appealPublish];

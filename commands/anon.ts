/**
 * 匿名谈心: a member writes to their branch 书记 under a handle (匿名#7); the 书记 answers the handle.
 * Nothing here logs, stores or echoes the message text or the writer's identity (see src/anon/); the
 * messages it sends are `forget`: once delivered, their outbox rows keep neither text nor recipient.
 */
import { and, eq } from 'drizzle-orm';
import { members } from '../db/schema/index.ts';
import {
  anonKey, auditAnonymously, deliverAnonymously, formatHandle, handleFor, memberBehind, parseHandle, takeAnonQuota,
  type AnonScope,
} from '../src/anon/index.ts';
import { arg } from '../src/bot/args.ts';
import { command, type AnyCommand } from '../src/bot/command.ts';
import type { CommandContext } from '../src/bot/context.ts';
import { UserError } from '../src/bot/errors.ts';
import { anonListeners } from '../src/talks/listeners.ts';

/** Anonymous messages one member may send per local day; enough to talk, too few to flood. */
export const ANON_DAILY_LIMIT = 5;
const PURPOSE = 'talk';

// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/g;

/** Wholly quoted (the way to send text with a colon in it, which the parser would take for an option). */
const QUOTED = /^(?:"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』|‘([^’]*)’)$/s;

/**
 * The message as typed after the first `words` words: parsing normalises full-width punctuation
 * (，：！) to ASCII, which a personal message should keep. Falls back to the parsed text.
 */
function asTyped(ctx: CommandContext, words: number, parsed: string): string {
  const cleaned = ctx.message.text.replace(INVISIBLE, '').trim().replace(/^[/／]\s*/, '');
  const head = new RegExp(`^(?:\\S+\\s+){${words}}`).exec(cleaned);
  const tail = head ? cleaned.slice(head[0].length).trim() : '';
  const quoted = QUOTED.exec(tail);
  const text = quoted ? quoted.slice(1).find((g) => g !== undefined)!.trim() : tail;
  if (!text || [...text].length > 1000 || (!quoted && /^["“「『‘']/.test(tail))) return parsed;
  return text;
}

const scope = (ctx: CommandContext): AnonScope =>
  ({ db: ctx.db, tenantId: ctx.tenant.id, serverKey: anonKey(), purpose: PURPOSE });

export const anonSend = command({
  name: '匿名',
  aliases: ['匿名谈心', 'anon'],
  args: { content: arg.rest('想说的话', { max: 1000 }) },
  access: 'member',
  chat: 'private',
  help: `匿名向支部书记谈心：书记看不到您是谁，回复会转给您（每天最多 ${ANON_DAILY_LIMIT} 条）`,
  examples: ['匿名 最近对岗位调整有些想法，想听听组织的意见'],
  run: async (input, ctx) => {
    const content = asTyped(ctx, 1, input.content);
    const me = ctx.asker.member;
    if (!me) throw new UserError('匿名谈心需先绑定成员信息，以便把书记的回复转给您（身份不会公开）。');
    if (!me.branchId) throw new UserError('您尚未编入支部，匿名消息无法送达。');
    const listeners = await anonListeners(ctx.db, me.branchId, me.id);
    if (!listeners.length) throw new UserError('您所在支部暂未设书记或副书记，匿名消息无法送达。');
    const s = scope(ctx);
    const quota = await takeAnonQuota(s, me.id, { now: ctx.now, tz: ctx.tz, limit: ANON_DAILY_LIMIT });
    if (!quota.ok) {
      throw new UserError(`今天已发送 ${quota.limit} 条匿名消息，请明天再发。如有急事，可直接联系支部书记或上级党组织。`);
    }
    const handle = formatHandle(await handleFor(s, me.id));
    const card = {
      kind: 'card' as const,
      title: `匿名谈心 · ${handle}`,
      tone: 'info' as const,
      text: `${content}\n\n回复请发送：**回复 ${handle} <内容>**。发送人的身份对任何人都不公开。`,
      forget: true,
    };
    let delivered = 0;
    for (const l of listeners) delivered += await deliverAnonymously(ctx, s.serverKey, l.id, card);
    if (!delivered) throw new UserError('支部书记还没有绑定账号，匿名消息暂时无法送达。');
    await auditAnonymously(ctx, { action: 'anon.message', entity: 'anon_handle', entityId: handle, after: { purpose: PURPOSE } });
    // Forgotten once delivered: kept, this row would tie the writer's account to the card above.
    return {
      kind: 'text',
      forget: true,
      text: '已匿名转给支部书记。对方看不到您的姓名和账号，书记的回复会由我私信转给您；想继续说，再发“匿名 <内容>”即可。',
    };
  },
});

export const anonReply = command({
  name: '回复',
  aliases: ['anon reply'],
  args: { handle: arg.text('匿名编号，例如 匿名#7'), content: arg.rest('回复内容', { max: 1000 }) },
  access: { roles: ['书记', '副书记'] },
  chat: 'private',
  help: '回复匿名谈心（如 回复 匿名#7 …），对方身份不会显示',
  examples: ['回复 匿名#7 谢谢你的信任，岗位调整的考虑是……，欢迎随时再聊'],
  run: async (input, ctx) => {
    const n = parseHandle(input.handle);
    if (n === null) throw new UserError(`“${input.handle}”不是匿名编号。`, '回复 匿名#7 <内容>');
    const label = formatHandle(n);
    const s = scope(ctx);
    const memberId = await memberBehind(s, n);
    // One answer for "no such handle" and "not yours to answer", so a handle cannot be probed.
    const notFound = new UserError(`没有找到${label}，或您无权回复。只能回复本支部的匿名谈心。`);
    if (memberId === null || !ctx.asker.member) throw notFound;
    const [writer] = await ctx.db.select({ branchId: members.branchId }).from(members)
      .where(and(eq(members.tenantId, ctx.tenant.id), eq(members.id, memberId), eq(members.active, true))).limit(1);
    if (!writer?.branchId) throw notFound;
    const listeners = await anonListeners(ctx.db, writer.branchId, memberId);
    if (!listeners.some((l) => l.id === ctx.asker.member!.id)) throw notFound;
    const delivered = await deliverAnonymously(ctx, s.serverKey, memberId, {
      kind: 'card', title: '支部书记回复了您的匿名谈心', tone: 'info',
      text: `${asTyped(ctx, 2, input.content)}\n\n想继续说，发送“匿名 <内容>”即可，您的身份仍然保密。`,
      forget: true,
    });
    if (!delivered) throw new UserError(`${label}暂时无法接收消息。`);
    await ctx.audit({ action: 'anon.reply', entity: 'anon_handle', entityId: label });
    return { kind: 'text', text: `已转给${label}。` };
  },
});

export const anonCommands: AnyCommand[] = [anonSend, anonReply];

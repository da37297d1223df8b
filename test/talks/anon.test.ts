import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonHandles, anonQuota, auditLog, inbox } from '../../db/schema/index.ts';
import { configureAnonKey } from '../../src/anon/index.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { outboxRows, seed, sentTo } from './seed.ts';

const replyText = (r: { kind: string; text?: string }) => r.text ?? '';

const WANG = '王五';
const WANG_ID = 987654; // distinctive, so a leak of the member id is findable
const FIRST = '最近对岗位调整有些想法，不好当面说';
const anonFrom = (bot: TestBot, n: number, from = 0) =>
  sentTo(bot, '张书记', from).filter((o) => o.includes(`【匿名谈心 · 匿名#${n}】`));

describe('匿名谈心: the writer is never revealed', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await createTestBot();
    configureAnonKey(bot.runtime.config.serverKey);
    await seed(bot, {
      第一党支部: [{ name: '张书记', roles: ['书记'] }, { name: WANG, id: WANG_ID }, { name: '赵六' }],
      第二党支部: [{ name: '孙书记', roles: ['书记'] }],
    });
  });
  afterAll(() => bot.close());

  it('reaches the branch 书记 under a handle, and the 书记’s reply reaches the writer', async () => {
    const ack = await bot.say(WANG, `匿名 ${FIRST}`);
    expect(ack).toContain('已匿名转给支部书记');
    expect(ack).not.toContain('匿名#');
    const [card] = anonFrom(bot, 1);
    expect(card).toContain(FIRST);
    expect(card).toContain('回复 匿名#1 <内容>');

    expect(await bot.say('张书记', '回复 匿名#1 谢谢信任，欢迎随时来聊')).toBe('已转给匿名#1。');
    expect(sentTo(bot, WANG).at(-1)).toContain('【支部书记回复了您的匿名谈心】\n谢谢信任，欢迎随时来聊');
  });

  it('keeps one handle per writer; nobody else can answer it, and probing tells nothing', async () => {
    const mark = bot.outputs.length;
    await bot.say(WANG, '匿名 还有一件事');
    await bot.say('赵六', '匿名 我也有话想说');
    expect(anonFrom(bot, 1, mark)).toHaveLength(1);
    expect(anonFrom(bot, 2, mark)).toHaveLength(1);

    const refusal = '没有找到匿名#1，或您无权回复。只能回复本支部的匿名谈心。';
    expect(await bot.say('孙书记', '回复 匿名#1 你好')).toBe(refusal);
    expect(await bot.say('管理员', '回复 匿名#1 你好')).toBe(refusal);
    expect(await bot.say('张书记', '回复 匿名#99 你好')).toBe(refusal.replace('#1', '#99'));
    expect(await bot.say('赵六', '回复 匿名#1 你好')).toContain('仅书记、副书记可用');
    expect(await bot.say(WANG, '匿名 在群里说', { group: '支部群' })).toContain('请在与机器人的私聊中使用');
  });

  it(`allows 5 messages a day per writer, counted without naming them`, async () => {
    for (const n of [3, 4, 5]) expect(await bot.say(WANG, `匿名 第${n}条`)).toContain('已匿名转给支部书记');
    expect(await bot.say(WANG, '匿名 第6条')).toContain('今天已发送 5 条匿名消息');
    expect(anonFrom(bot, 1)).toHaveLength(5);
    expect(await bot.say('赵六', '匿名 我的第二条')).toContain('已匿名转给支部书记');
    const rows = await bot.handle.db.select().from(anonQuota);
    expect(rows.map((r) => r.used).sort()).toEqual([2, 5]);

    bot.setNow('2026-12-03T09:00:00+08:00');
    const mark = bot.outputs.length;
    // Quoted, a colon stays part of the message; the writer's full-width punctuation is kept.
    expect(await bot.say(WANG, '匿名 “第二天：还想再聊聊，可以吗？”')).toContain('已匿名转给支部书记');
    expect(anonFrom(bot, 1, mark)[0]).toContain('】\n第二天：还想再聊聊，可以吗？\n');
    expect((await bot.handle.db.select().from(anonQuota)).map((r) => r.used)).toEqual([1]);
  });

  it('leaves no trace of the writer in logs, messages to others, audit rows, handles or dedupe keys', async () => {
    const leaks = (s: string) => s.includes(WANG) || s.includes(String(WANG_ID));
    expect(bot.log.lines.length).toBeGreaterThan(0);
    expect(bot.log.lines.filter(leaks)).toEqual([]);
    expect(bot.log.lines.filter((l) => l.includes(FIRST))).toEqual([]);
    expect(bot.outputs.filter((o) => !o.startsWith(`[发给 ${WANG}] `)).filter(leaks)).toEqual([]);

    const audit = await bot.handle.db.select().from(auditLog);
    expect(audit.filter((a) => a.action === 'anon.message').map((a) => a.actor)).toEqual(Array(8).fill('anonymous'));
    expect(audit.map((a) => JSON.stringify(a)).filter(leaks)).toEqual([]);
    expect((await bot.handle.db.select().from(anonHandles)).map((h) => JSON.stringify(h)).filter(leaks)).toEqual([]);
    expect((await bot.handle.db.select().from(inbox)).filter((r) => r.message !== null)).toEqual([]);

    // Delivered, the anonymous messages and the writer's acknowledgements keep neither text nor recipient:
    // stored, the acknowledgement and the card to the 书记 (one transaction) would tie the writer to 匿名#1.
    const outbox = await outboxRows(bot);
    expect(outbox.every((r) => r.status === 'sent')).toBe(true);
    expect(outbox.filter((r) => JSON.stringify(r).includes(FIRST))).toEqual([]);
    const left = outbox.filter((r) => leaks(JSON.stringify(r)));
    // Only the refusal of the sixth message is left to the writer: it names no handle and nothing was sent with it.
    expect(left.map((r) => replyText(r.reply))).toEqual([expect.stringContaining('今天已发送 5 条匿名消息')]);
    const forgotten = outbox.filter((r) => r.recipient.id === 'forgotten');
    // Each message: the card to the 书记 and the acknowledgement; the reply: the card to the writer.
    expect(forgotten).toHaveLength(8 * 2 + 1);
    expect(new Set(forgotten.map((r) => replyText(r.reply)))).toEqual(new Set(['（匿名消息，送达后不保留内容）']));
  });
});

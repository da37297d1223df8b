import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog } from '../../db/schema/index.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { lastTalkId, seed, talkRow } from './seed.ts';

const NOTES = '谈到家中老人住院的困难';
const FOLLOW_UP = '协调工会慰问';

describe('talk notes: only the two people and the branch 书记', () => {
  let bot: TestBot;
  let id: number;
  beforeAll(async () => {
    bot = await createTestBot();
    await seed(bot, {
      第一党支部: [
        { name: '张书记', roles: ['书记'] }, { name: '李委员', roles: ['组织委员'] }, { name: '周副书记', roles: ['副书记'] },
        { name: '王五' }, { name: '赵六' },
      ],
      第二党支部: [{ name: '孙书记', roles: ['书记'] }],
    });
    await bot.say('李委员', '谈话 预约 王五 明天下午3点 原因:家庭困难或变故');
    id = await lastTalkId(bot);
    await bot.say('王五', `谈话 接受 ${id}`);
    bot.setNow('2026-12-03T16:00:00+08:00');
  });
  afterAll(() => bot.close());

  it('only the host records it, in a private chat', async () => {
    expect(await bot.say('王五', `谈话 记录 ${id} ${NOTES}`)).toContain('只有发起人可以这样操作');
    expect(await bot.say('李委员', `谈话 记录 ${id} ${NOTES}`, { group: '支部群' })).toContain('请在与机器人的私聊中使用');
    expect(await bot.say('李委员', `谈话 记录 ${id} ${NOTES} 后续:${FOLLOW_UP}`)).toContain('已记录与王五的谈心谈话');
    expect(await talkRow(bot, id)).toMatchObject({
      status: 'held', notes: NOTES, followUps: FOLLOW_UP, heldAt: new Date('2026-12-03T15:00:00+08:00'),
    });
  });

  it.each<[string, 'notes' | 'metadata' | 'nothing']>([
    ['李委员', 'notes'], // host
    ['王五', 'notes'], // guest
    ['张书记', 'notes'], // the branch 书记
    ['周副书记', 'nothing'], // committee, but not the 书记
    ['赵六', 'nothing'], // another member of the branch
    ['孙书记', 'nothing'], // 书记 of another branch
    ['管理员', 'metadata'], // BOT_ADMINS, not in the talk
  ])('%s sees %s', async (who, expected) => {
    const reply = await bot.say(who, `谈话 查看 ${id}`);
    if (expected === 'nothing') {
      expect(reply).toContain(`没有找到谈话 #${id}`);
      expect(reply).not.toContain('王五');
    } else {
      expect(reply).toContain('谈话对象：王五');
      expect(reply).toContain('状态：已谈话');
    }
    if (expected === 'notes') {
      expect(reply).toContain(`谈话要点：${NOTES}`);
      expect(reply).toContain(`后续事项：${FOLLOW_UP}`);
    } else {
      expect(reply).not.toContain(NOTES);
      expect(reply).not.toContain(FOLLOW_UP);
    }
    if (expected === 'metadata') expect(reply).toContain('仅谈话双方和支部书记可见');
  });

  it('keeps the notes out of the audit log and of every message sent', async () => {
    const audit = await bot.handle.db.select().from(auditLog).where(eq(auditLog.entity, 'talk'));
    expect(audit.map((a) => a.action)).toContain('talk.held');
    expect(JSON.stringify(audit)).not.toContain(NOTES);
    const toOthers = bot.outputs.filter((o) => !/^\[发给 (李委员|王五|张书记)\]/.test(o));
    expect(toOthers.join('\n')).not.toContain(NOTES);
    expect(bot.log.lines.join('\n')).not.toContain(NOTES);
  });

  it('a backfilled talk follows the same rule', async () => {
    expect(await bot.say('张书记', `谈话 补录 赵六 2026-11-20 15:00 ${NOTES}`)).toContain('已补录与赵六的谈心谈话');
    const backfilled = await lastTalkId(bot);
    expect(await bot.say('赵六', `谈话 查看 ${backfilled}`)).toContain(NOTES);
    expect(await bot.say('王五', `谈话 查看 ${backfilled}`)).toContain('没有找到');
    expect(await bot.say('张书记', '谈话 补录 赵六 12月20日 15:00 提前写')).toContain('应早于现在');
  });
});

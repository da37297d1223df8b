import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appeals, chats } from '../../db/schema/index.ts';
import { appealBoard } from '../../cron/appeal-board.ts';
import { runJob } from '../../cron/runner.ts';
import { appealScorecard } from '../../src/appeals/figures.ts';
import { deliveredWorkbook } from '../helpers/exports.ts';
import type { TestBot } from '../helpers/runtime.ts';
import { appealBot, jobDeps, sentTo, type Seeded } from './seed.ts';

const T = (d: string) => new Date(`2026-${d}:00+08:00`);

describe('appeal figures on a seeded month', () => {
  let bot: TestBot;
  let s: Seeded;
  beforeAll(async () => {
    ({ bot, seeded: s } = await appealBot({
      第一党支部: [{ name: '张书记', roles: ['书记'] }, { name: '王五' }, { name: '李厨师', employeeNo: 'K2201' }],
      第二党支部: [{ name: '孙书记', roles: ['书记'] }, { name: '赵六' }],
    }, '2026-12-02T10:00:00+08:00'));
    const a = s.branchIds['第一党支部']!;
    const b = s.branchIds['第二党支部']!;
    let seq = 0;
    const row = (branchId: number, v: Partial<typeof appeals.$inferInsert> & { content: string; submittedAt: Date }) => {
      seq++;
      return {
        tenantId: s.tenantId, branchId, year: 2026, seq, number: `SQ-2026-${String(seq).padStart(4, '0')}`,
        submitterId: s.ids['王五']!, category: '工作条件', state: 'resolved', handlerId: s.ids['张书记']!,
        acceptBy: v.submittedAt, updatedAt: v.submittedAt, ...v,
      };
    };
    await bot.handle.db.insert(appeals).values([
      row(a, { content: '食堂饭菜太咸，希望改善', submittedAt: T('11-02T09:00'), resolvedAt: T('11-05T10:00'), resolvedOnTime: true,
        rating: 5, ratedAt: T('11-06T10:00'), result: '已与食堂负责人李厨师沟通减少用盐，工号K2201的同事负责监督，意见请打13800138000' }),
      row(a, { content: '三号楼食堂饭菜价格上涨', submittedAt: T('11-03T09:00'), resolvedAt: T('11-20T10:00'), resolvedOnTime: false,
        rating: 3, ratedAt: T('11-21T10:00'), result: '价格已回调' }),
      row(a, { category: '薪酬福利', content: '食堂饭菜分量少，班车经常晚点', submittedAt: T('11-10T09:00'), state: 'accepted' }),
      row(a, { category: '其他', content: '班车晚点，希望增加班次', submittedAt: T('11-12T09:00'), state: 'returned' }),
      row(a, { content: '宿舍热水不稳定', submittedAt: T('10-28T09:00'), resolvedAt: T('11-03T10:00'), resolvedOnTime: true,
        rating: 4, ratedAt: T('12-01T10:00'), result: '已更换热水器', publish: false }),
      row(b, { content: '车间噪音大', submittedAt: T('11-15T09:00'), resolvedAt: T('11-16T10:00'), resolvedOnTime: true,
        rating: 1, ratedAt: T('11-16T12:00'), result: '已加装隔音板' }),
    ]);
  });
  afterAll(async () => {
    await bot.close();
  });

  it('gives the monthly scorecard its figures per branch', async () => {
    const db = bot.handle.db;
    expect(await appealScorecard(db, s.tenantId, s.branchIds['第一党支部']!, '2026-11', 'Asia/Shanghai'))
      .toEqual({ received: 4, closed: 3, onTimeRate: 2 / 3, averageRating: 4 });
    expect(await appealScorecard(db, s.tenantId, s.branchIds['第二党支部']!, '2026-11', 'Asia/Shanghai'))
      .toEqual({ received: 1, closed: 1, onTimeRate: 1, averageRating: 1 });
    expect(await appealScorecard(db, s.tenantId, s.branchIds['第二党支部']!, '2026-10', 'Asia/Shanghai'))
      .toEqual({ received: 0, closed: 0, onTimeRate: null, averageRating: null });
  });

  it('shows 统计 and 台账 with categories and recurring words, to the branch officers only', async () => {
    const stats = await bot.say('张书记', '诉求 统计 2026-11');
    expect(stats).toContain('【第一党支部 · 2026年11月诉求统计】');
    expect(stats).toContain('类别：工作条件 2件、其他 1件、薪酬福利 1件\n高频问题：食堂饭菜（3）、晚点（2）、班车（2）');
    expect(stats).toContain('收到：4件\n办结：3件\n按时办结率：66.7%\n办结率：66.7%\n平均满意度：4.0分（2人评价）');
    const ledger = await bot.say('张书记', '诉求 台账 2026-11');
    expect(ledger).toContain('SQ-2026-0002 工作条件 王五 → 张书记 已办结（超时） 3分\nSQ-2026-0003 薪酬福利 王五 → 张书记 办理中\nSQ-2026-0004 其他 王五 → 张书记 已退回');
    expect(await bot.say('王五', '诉求 统计')).toContain('仅书记、副书记可用');
    expect(await bot.say('孙书记', '诉求 台账 2026-11 支部:第一党支部')).toBe('您只能处理本支部的事务。');
    expect(await bot.say('张书记', '诉求 统计 2026')).toContain('收到：5件');
  });

  it('sends the ledger as an .xlsx file in the chat', async () => {
    const reply = await bot.say('张书记', '诉求 导出 2026-11');
    expect(reply).toContain('已导出第一党支部2026年11月诉求台账（4件）');
    const { name, workbook: wb } = await deliveredWorkbook(reply);
    expect(name).toBe('诉求台账-第一党支部-2026-11.xlsx');
    const sheet = wb.getWorksheet('诉求台账')!;
    expect(sheet.rowCount).toBe(5);
    expect(sheet.getRow(3).getCell(1).value).toBe('SQ-2026-0002');
    expect(sheet.getRow(3).getCell(11).value).toBe('否');
    const stats = wb.getWorksheet('统计')!.getSheetValues().map((r) => (Array.isArray(r) ? r.slice(1, 3) : []));
    expect(stats).toContainEqual(['按时办结率', '66.7%']);
    expect(stats).toContainEqual(['食堂饭菜', 3]);
  });

  it('posts the weekly 公示 to the branch group, without identities, once', async () => {
    await bot.handle.db.insert(chats).values([
      { tenantId: s.tenantId, platform: 'console', chatId: '一支部群', branchId: s.branchIds['第一党支部']! },
      { tenantId: s.tenantId, platform: 'console', chatId: '二支部群', branchId: s.branchIds['第二党支部']! },
    ]);
    bot.setNow('2026-11-09T09:00:00+08:00');
    expect((await runJob(appealBoard, bot.now(), jobDeps(bot))).counts).toEqual({ posted: 1, branches: 1 });
    await bot.drain();
    expect(sentTo(bot, '一支部群')).toEqual([
      '[群 一支部群] 【第一党支部职工诉求公示（2026-11-02 至 2026-11-08）】\n本周办结\n'
      + '· 【工作条件】已与食堂负责人某同志沟通减少用盐，工号＊＊的同事负责监督，意见请打＊＊\n\n'
      + '有困难、有意见，请私聊我发送“诉求 <内容>”，也可以匿名提交。\n'
      + '收到：2件\n办结：2件\n按时办结：2件（100%）\n平均满意度：5.0分',
    ]);
    expect(sentTo(bot, '二支部群')).toEqual([]);
    // Another instance running the same week again posts nothing new.
    expect(await appealBoard.run(new Date('2026-11-09T09:05:00+08:00'), jobDeps(bot))).toEqual({ posted: 0, branches: 1 });
  });
});

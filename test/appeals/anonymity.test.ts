import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { anonHandles, appealEvents, appeals, auditLog, chats, exportFiles, inbox } from '../../db/schema/index.ts';
import { appealBoard } from '../../cron/appeal-board.ts';
import { appealSla } from '../../cron/appeal-sla.ts';
import { runJob } from '../../cron/runner.ts';
import { deliveredWorkbook } from '../helpers/exports.ts';
import type { TestBot } from '../helpers/runtime.ts';
import { appealBot, appealRow, jobDeps, outboxRows, sentTo, type Seeded } from './seed.ts';

const WANG = '王五';
const WANG_ID = 987654;
const WANG_NO = 'GH-556677';
const leaks = (s: string) => s.includes(WANG) || s.includes(String(WANG_ID)) || s.includes(WANG_NO);

describe('anonymous appeals never reveal the submitter', () => {
  let bot: TestBot;
  let seeded: Seeded;
  beforeAll(async () => {
    ({ bot, seeded } = await appealBot({
      第一党支部: [{ name: '张书记', roles: ['书记'] }, { name: WANG, id: WANG_ID, employeeNo: WANG_NO }, { name: '李四', roles: ['组织委员'] }],
    }));
  });
  afterAll(async () => {
    await bot.close();
  });

  it('shows handlers the handle only, and routes every step back to the hidden submitter', async () => {
    const receipt = await bot.say(WANG, '诉求 匿名 工作条件 班组长经常让我们加班到深夜，也不给调休');
    expect(receipt).toContain('【诉求已提交：SQ-2026-0001】');
    expect(receipt).toContain('承办人只看到“匿名#1”');
    const card = sentTo(bot, '张书记').at(-1)!;
    expect(card).toContain('提交人：匿名#1');
    expect(card).toContain('提交人选择匿名，身份对任何人都不公开');

    await bot.say('张书记', '诉求 转办 SQ-2026-0001 李四 由组织委员牵头了解情况');
    expect(sentTo(bot, '李四').at(-1)).toContain('提交人：匿名#1');
    expect(sentTo(bot, WANG).at(-1)).toContain('已转由李四办理');
    await bot.say('李四', '诉求 受理 SQ-2026-0001');
    expect(sentTo(bot, WANG).at(-1)).toContain('已由李四受理');
    await bot.say('李四', '诉求 询问 SQ-2026-0001 是哪个班组？');
    expect(sentTo(bot, WANG).at(-1)).toContain('承办人李四问：是哪个班组？');
    expect(await bot.say(WANG, '诉求 补充 SQ-2026-0001 三班')).toContain('已把补充情况转给承办人');
    expect(sentTo(bot, '李四').at(-1)).toContain('匿名#1补充了情况：\n三班');
    await bot.say('李四', '诉求 办结 SQ-2026-0001 已与三班班组长谈话，加班实行登记，按规定安排调休');
    expect(sentTo(bot, WANG).at(-1)).toContain('【诉求 SQ-2026-0001 已办结】');
    await bot.say(WANG, '诉求 评价 SQ-2026-0001 4 有改善');
    expect(sentTo(bot, '李四').at(-1)).toContain('提交人评价：4分');

    const progress = await bot.say('张书记', '诉求 进度 SQ-2026-0001');
    expect(progress).toContain('提交人：匿名#1');
    expect(progress).toContain('补充情况（匿名#1）：三班');
    expect(await bot.say(WANG, '诉求 进度')).toContain('SQ-2026-0001 工作条件 已办结');
    expect(await bot.say('李四', '诉求 评价 SQ-2026-0001 5')).toBe('只有提交人可以评价诉求 SQ-2026-0001。');
    const row = await appealRow(bot, 'SQ-2026-0001');
    expect([row.submitterId, row.anonHandle]).toEqual([null, 1]);
  });

  it('escalates, lists, exports and publishes without the submitter either', async () => {
    await bot.say(WANG, '诉求 匿名 生活困难 宿舍热水器坏了一周');
    const deps = jobDeps(bot);
    await runJob(appealSla, new Date('2026-12-03T10:15:00+08:00'), deps);
    await runJob(appealSla, new Date('2026-12-04T10:15:00+08:00'), deps);
    bot.setNow('2026-12-04T10:15:00+08:00');
    await bot.drain();
    expect(sentTo(bot, '张书记').at(-1)).toContain('【诉求 SQ-2026-0002 超过受理时限】');
    expect(sentTo(bot, '管理员').some((o) => o.includes('支部提醒后仍未办理，请上级党组织督办'))).toBe(true);

    const ledger = await bot.say('张书记', '诉求 台账 2026-12');
    expect(ledger).toContain('SQ-2026-0001 工作条件 匿名#1 → 李四 已办结 4分');
    expect(await bot.say('管理员', '诉求 统计 2026-12 支部:第一党支部')).toContain('收到：2件');
    const exported = await bot.say('张书记', '诉求 导出 2026-12');
    expect(exported.split('\n').filter(leaks)).toEqual([]);
    const { workbook: wb } = await deliveredWorkbook(exported);
    const cells = wb.worksheets.flatMap((ws) => ws.getSheetValues().flat().map(String));
    expect(cells).toContain('匿名#1');
    expect(cells.filter(leaks)).toEqual([]);
    // The bytes kept in the database for the platform upload are the same clean workbook.
    const [stored] = await bot.handle.db.select().from(exportFiles);
    expect(stored!.fileName.includes(WANG)).toBe(false);
    const fromDb = new ExcelJS.Workbook();
    await fromDb.xlsx.load(stored!.content as unknown as ArrayBuffer);
    expect(fromDb.worksheets.flatMap((ws) => ws.getSheetValues().flat().map(String)).filter(leaks)).toEqual([]);

    await bot.handle.db.insert(chats).values({ tenantId: seeded.tenantId, platform: 'console', chatId: '第一支部群', branchId: seeded.branchIds['第一党支部']! });
    bot.setNow('2026-12-07T09:00:00+08:00');
    await runJob(appealBoard, bot.now(), deps);
    await bot.drain();
    const board = sentTo(bot, '第一支部群').at(-1)!;
    expect(board).toContain('【第一党支部职工诉求公示（2026-11-30 至 2026-12-06）】');
    expect(board).toContain('【工作条件】已与三班班组长谈话，加班实行登记，按规定安排调休');
  });

  it('leaves no trace of the submitter in logs, messages to others, records, audit rows or dedupe keys', async () => {
    expect(bot.log.lines.filter(leaks)).toEqual([]);
    expect(bot.outputs.filter((o) => !o.startsWith(`[发给 ${WANG}] `)).filter(leaks)).toEqual([]);
    for (const table of [appeals, appealEvents, auditLog, anonHandles]) {
      const rows = await bot.handle.db.select().from(table);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.map((r) => JSON.stringify(r)).filter(leaks)).toEqual([]);
    }
    const audit = await bot.handle.db.select().from(auditLog);
    expect(audit.filter((a) => ['appeal.submit', 'appeal.info', 'appeal.rate'].includes(a.action)).map((a) => a.actor))
      .toEqual(Array(4).fill('anonymous'));
    expect((await bot.handle.db.select().from(inbox)).filter((r) => r.message !== null)).toEqual([]);

    const outbox = await outboxRows(bot);
    const others = outbox.filter((r) => r.recipient.id !== WANG);
    expect(others.map((r) => JSON.stringify(r)).filter(leaks)).toEqual([]);
    // Messages to the submitter carry opaque keys; only the direct replies are keyed by their own message.
    const toWang = outbox.filter((r) => r.recipient.id === WANG);
    expect(toWang.filter((r) => !r.dedupeKey.startsWith('reply:') && !r.dedupeKey.startsWith('anon:'))).toEqual([]);
    const messageIds = toWang.map((r) => r.dedupeKey).filter((k) => k.startsWith('reply:')).map((k) => k.split(':').at(-1)!);
    expect(others.filter((r) => messageIds.some((m) => r.dedupeKey.includes(m)))).toEqual([]);
  });
});

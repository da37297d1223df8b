import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, exportFiles, meetings } from '../../db/schema/index.ts';
import { deliveredWorkbook } from '../helpers/exports.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { seed } from './seed.ts';

// The clock stays at Wednesday 2026-12-02 10:00 (Asia/Shanghai).
describe('会议 登记 / 更正 / 台账 / 导出 through the console', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await createTestBot();
    const fifth = ['吴一', '郑二', '冯三', '陈四', '褚五', '卫六', '蒋七', '沈八'].map((name) => ({ name }));
    await seed(bot, {
      第一党支部: [
        { name: '张三', roles: ['书记'] }, { name: '李四' }, { name: '王五', roles: ['组织委员'] },
        { name: '赵六', status: '预备党员' }, { name: '钱七', roles: ['党小组长'], group: '第一党小组' }, { name: '孙八', group: '第一党小组' },
      ],
      第二党支部: [{ name: '周书记', roles: ['书记'] }, ...fifth, { name: '韩预备', status: '预备党员' }, { name: '杨预备', status: '预备党员' }],
    });
  });
  afterAll(async () => {
    await bot.close();
  });

  it('logs a 支委会 as the issue writes it, and 会议 台账 2026 lists it (issue #6 acceptance)', async () => {
    const reply = await bot.say('张三', '会议 登记 支委会 2026-11-20 15:00 主题:“研究发展党员工作” 缺席:李四(出差)');
    expect(reply).toContain('【已登记 · 支部委员会会议】');
    expect(reply).toContain('时间：2026-11-20 15:00（周五）');
    expect(reply).toContain('主题：研究发展党员工作');
    expect(reply).toContain('主持人：张三');
    expect(reply).toContain('记录人：张三');
    // The committee (书记, 组织委员) plus 李四, who was named absent.
    expect(reply).toContain('出席：应到 3 人，实到 2 人');
    expect(reply).toContain('缺席：李四（出差）');
    const ledger = await bot.say('张三', '会议 台账 2026');
    expect(ledger).toContain('【第一党支部 · 2026年组织生活台账】');
    expect(ledger).toContain('#1 11-20 15:00 支部委员会会议“研究发展党员工作”，实到 2/3 人');
    expect(ledger).toContain('本支部正式党员不足7人，不设支部委员会');
    expect(ledger).toContain('主题党日（每月）：已开 0 期；未开：1月、2月、3月、4月、5月、6月、7月、8月、9月、10月、11月；12月尚未召开');
    const audits = await bot.handle.db.select().from(auditLog).where(and(eq(auditLog.entity, 'meeting'), eq(auditLog.entityId, '1')));
    expect(audits.map((a) => a.action)).toEqual(['record']);
    expect(await bot.say('张三', '会议 登记 支委会 2026-11-20 15:00')).toContain('已登记（编号 1）');
  });

  it('refuses a plain member, and a 党小组长 outside their own group, writing nothing', async () => {
    expect(await bot.say('李四', '会议 登记 支委会 2026-11-25 15:00')).toContain('仅书记、副书记、组织委员、宣传委员、纪检委员、党小组长可用');
    expect(await bot.say('钱七', '会议 登记 支委会 2026-11-25 15:00')).toContain('支部委员会会议由支部委员安排和登记');
    expect(await bot.handle.db.select().from(meetings)).toHaveLength(1);
    const own = await bot.say('钱七', '会议 登记 小组会 2026-11-26 19:00 主题:学习党章');
    expect(own).toContain('【已登记 · 第一党小组会】');
    expect(own).toContain('出席：应到 2 人，实到 2 人');
    expect(own).toContain('主持人：钱七');
    expect(await bot.say('周书记', '会议 更正 1 缺席:无')).toContain('您只能处理本支部的事务');
  });

  it('answers bad input with what was wrong', async () => {
    expect(await bot.say('张三', '会议 登记 民主生活会 2026-11-20 15:00')).toContain('“民主生活会”不是会议类型');
    expect(await bot.say('张三', '会议 登记 党课 2026-11-20')).toContain('还需要具体时间');
    expect(await bot.say('张三', '会议 登记 党课 2026-12-20 09:00')).toContain('会议时间还没到');
    expect(await bot.say('张三', '会议 登记 党课 2026-11-21 09:00 缺席:路人甲(出差)')).toContain('缺席人员“路人甲”不是本支部成员');
    expect(await bot.say('张三', '会议 登记 党课 2026-11-21 09:00 表决:某事 赞成:3')).toContain('表决情况只在支部党员大会的记录中登记');
  });

  it('lets the recorder or the 书记 correct a record, with an audit entry', async () => {
    expect(await bot.say('李四', '会议 更正 1 缺席:李四(病假)')).toContain('只有本次会议的记录人或支部书记可以更正会议记录');
    const reply = await bot.say('张三', '会议 更正 1 缺席:李四(病假) 决议:“同意将赵六列为发展对象”');
    expect(reply).toContain('【已更正 · 支部委员会会议】');
    expect(reply).toContain('缺席：李四（病假）');
    expect(reply).toContain('决议：同意将赵六列为发展对象');
    const [audit] = await bot.handle.db.select().from(auditLog)
      .where(and(eq(auditLog.entity, 'meeting'), eq(auditLog.entityId, '1'), eq(auditLog.action, 'correct')));
    expect(audit!.before).toMatchObject({ absent: [{ name: '李四', reason: '出差' }], decisions: null, version: 1 });
    expect(audit!.after).toMatchObject({ absent: [{ name: '李四', reason: '病假' }], decisions: '同意将赵六列为发展对象', version: 2 });
  });

  it('records whether a 党员大会 had its quorum and passed its vote; 预备党员 do not count', async () => {
    // 9 正式党员 (周书记 and eight more) and 2 预备党员: five 正式 present is more than half.
    const ok = await bot.say('周书记',
      '会议 登记 党员大会 2026-11-28 14:30 缺席:吴一(出差),郑二(病假),冯三(出差),陈四(休假),韩预备(出差) 表决:“接收某某为预备党员” 赞成:5');
    expect(ok).toContain('法定人数：有表决权的正式党员 9 人，到会 5 人，超过半数，会议有效');
    expect(ok).toContain('表决：“接收某某为预备党员”：赞成 5 票（须超过应到会有表决权党员的半数，即至少 5 票），通过');
    const short = await bot.say('周书记', '会议 登记 党员大会 2026-11-29 14:30 缺席:吴一,郑二,冯三,陈四,褚五 表决:某事 赞成:4');
    expect(short).toContain('到会 4 人，未超过半数，不能进行表决');
    expect(short).toContain('赞成 4 票');
    expect(short).toContain('到会人数不足，表决无效');
    expect(await bot.say('周书记', '会议 登记 党员大会 2026-11-30 14:30 表决:某事 赞成:10'))
      .toContain('赞成票数 10 超过了应到会有表决权的正式党员人数 9');
  });

  it('counts a meeting at 23:30 on the last day of a quarter for that quarter, and 00:30 on the first day for the next', async () => {
    await bot.say('周书记', '会议 登记 党员大会 2026-09-30 23:30');
    await bot.say('周书记', '会议 登记 党员大会 2026-04-01 00:30');
    const ledger = await bot.say('周书记', '会议 台账');
    expect(ledger).toContain('支部党员大会（每季度）：已开 3 期；未开：第一季度');
    expect(ledger).toContain('支部委员会会议（每月）：已开 0 期');
  });

  it('sends the year as an .xlsx file with the record fields, which reads back', async () => {
    const reply = await bot.say('张三', '会议 导出 2026');
    expect(reply).toContain('已导出第一党支部2026年三会一课台账：会议记录 2 条；');
    const { name, workbook: wb } = await deliveredWorkbook(reply);
    expect(name).toBe('第一党支部2026年三会一课台账-202612021000.xlsx');
    const rows = wb.getWorksheet('会议记录')!.getSheetValues().slice(1).map((r) => (r as unknown[]).slice(1));
    expect(rows[0]).toEqual([
      '编号', '会议类型', '党小组', '召开时间', '地点', '主题', '主持人', '记录人', '应到人数', '实到人数', '到会人员', '缺席人员及原因',
      '决议', '有表决权正式党员', '有表决权到会', '法定人数', '表决事项', '赞成票', '表决结果',
    ]);
    expect(rows[1]).toEqual([
      1, '支部委员会会议', '', '2026-11-20 15:00', '', '研究发展党员工作', '张三', '张三', 3, 2, '张三、王五', '李四（病假）',
      '同意将赵六列为发展对象', '', '', '', '', '', '',
    ]);
    expect(rows[2]!.slice(0, 4)).toEqual([2, '党小组会', '第一党小组', '2026-11-26 19:00']);
    const comp = wb.getWorksheet('落实情况')!.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1).join('|'));
    expect(comp).toContain('主题党日||每月|2026年11月|未召开|');
    expect(comp).toContain('党小组会|第一党小组|每月|2026年11月|已召开|2026-11-26');
    expect(comp).toContain('组织生活会||每年|2026年度|尚未召开|');
    expect(comp.some((c) => c.startsWith('支部委员会'))).toBe(false);
  });

  it('sends no file to a member who may not export, and stores none', async () => {
    const before = (await bot.handle.db.select({ id: exportFiles.id }).from(exportFiles)).length;
    const reply = await bot.say('李四', '会议 导出 2026');
    expect(reply).toContain('可用');
    expect(reply).not.toContain('[文件]');
    expect(await bot.handle.db.select({ id: exportFiles.id }).from(exportFiles)).toHaveLength(before);
  });

  it('is refused in a group: the ledger names the absent and their reasons', async () => {
    const before = (await bot.handle.db.select({ id: exportFiles.id }).from(exportFiles)).length;
    const reply = await bot.say('张三', '会议 导出 2026', { group: '第一支部群' });
    expect(reply).toContain('私聊');
    expect(await bot.handle.db.select({ id: exportFiles.id }).from(exportFiles)).toHaveLength(before);
  });
});

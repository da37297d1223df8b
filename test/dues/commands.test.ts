import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, duesPayments, exportFiles } from '../../db/schema/index.ts';
import { deliveredWorkbook } from '../helpers/exports.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { seedBranch, setProfile } from './fixtures.ts';

describe('党费 commands through the console', () => {
  let bot: TestBot;
  let ids: Record<string, number>;
  beforeAll(async () => {
    bot = await createTestBot({ now: '2026-12-02T10:00:00+08:00' });
    const seeded = await seedBranch(bot.handle.db, '第一党支部', [
      { name: '张书记', roles: ['书记'] },
      { name: '钱会计', roles: ['会计'] },
      { name: '孙出纳', roles: ['出纳'] },
      { name: '周兼', roles: ['会计', '出纳'] },
      { name: '李四' },
      { name: '王五' },
      { name: '赵群众', status: '群众', probationarySince: null },
    ]);
    ids = seeded.ids;
    await setProfile(bot.handle.db, seeded.tenantId, ids['王五']!, '2026-11', { category: '离退休', baseFen: 420_000 });
  });
  afterAll(async () => {
    await bot.close();
  });

  it('calculates dues for anyone, even an unbound stranger, on the whole amount', async () => {
    expect(await bot.say('路人甲', '党费 计算 6500')).toContain('每月应交党费 97.50 元');
    expect(await bot.say('路人甲', '党费 计算 3000')).toContain('每月应交党费 15.00 元');
    expect(await bot.say('路人甲', '党费 计算 10000.01')).toContain('每月应交党费 200.00 元');
    expect(await bot.say('路人甲', '党费 计算 5000.01 离退休')).toContain('每月应交党费 50.00 元');
    const bad = await bot.say('路人甲', '党费 计算 六千');
    expect(bad).toContain('“月收入（税后，元）”应为金额');
    expect(bad).toContain('用法：党费 计算');
  });

  it('lets the 会计 set a standard from a month, and the member see only their own dues, privately', async () => {
    expect(await bot.say('钱会计', '党费 标准 李四 在职 6500 起始:2026-09'))
      .toContain('已设置李四的党费标准：在职，月工资收入（税后）6500.00 元，自2026年9月起每月应交党费 97.50 元');
    expect(await bot.say('钱会计', '党费 标准 赵群众 学生')).toContain('预备党员和正式党员才交纳党费');
    const mine = await bot.say('李四', '党费');
    expect(mine).toContain('每月应交：97.50 元');
    expect(mine).toContain('未交：2026年9月至12月，共 390.00 元');
    expect(mine).not.toContain('王五');
    expect(mine).not.toContain('21.00');
    expect(await bot.say('李四', '党费', { group: '第一党支部群' })).toContain('请在与机器人的私聊中使用');
  });

  it('keeps other members’ amounts from a member: branch views are for officers only', async () => {
    expect(await bot.say('李四', '党费 未交')).toContain('仅书记、会计可用');
    expect(await bot.say('李四', '党费 台账 2026')).toContain('仅书记、会计、出纳可用');
    expect(await bot.say('李四', '党费 导出 2026')).toContain('仅书记、会计、出纳可用');
    expect(await bot.say('李四', '党费 标准 王五 在职 9000')).toContain('仅书记、会计可用');
    const wang = await bot.say('王五', '党费');
    expect(wang).toContain('每月应交：21.00 元');
    expect(wang).not.toContain('李四');
    expect(wang).not.toContain('97.50');
  });

  it('never lets a member mark their own dues paid: a report goes to the 会计 with a ready button', async () => {
    expect(await bot.say('李四', '党费 登记 李四 2026-09 97.50')).toContain('仅会计可用');
    expect(await bot.say('李四', '党费 确认 1')).toContain('仅出纳可用');
    const reply = await bot.say('李四', '党费 报告 已微信转账给钱会计 月份:2026-09,2026-10 金额:195');
    expect(reply).toContain('已转告');
    const toAccountant = bot.outputs.filter((o) => o.startsWith('[发给 钱会计]')).join('\n');
    expect(toAccountant).toContain('党员报告已交党费');
    expect(toAccountant).toContain('发送：党费 登记 李四 2026-09,2026-10 195.00 报告:1');
    expect(await bot.say('李四', '党费')).toContain('未交：2026年9月至12月');
  });

  it('separates duties: the 会计 records, a different person confirms, and the bot says why', async () => {
    const recorded = await bot.say('钱会计', '党费 登记 李四 2026-09,2026-10 195.00 报告:1');
    expect(recorded).toContain('已登记（编号 1）：李四　2026年9月至10月　195.00 元，待出纳确认');
    expect(recorded).toContain('已通知出纳孙出纳、周兼确认收款');
    expect(bot.outputs.filter((o) => o.startsWith('[发给 孙出纳]')).join('\n')).toContain('发送：党费 确认 1');
    expect(await bot.say('李四', '党费')).toContain('待出纳确认：2026年9月至10月');

    // One person holding both roles may record, but never confirm what they recorded.
    expect(await bot.say('周兼', '党费 登记 李四 2026-11 97.50')).toContain('已登记（编号 2）');
    const own = await bot.say('周兼', '党费 确认 2');
    expect(own).toContain('会计和出纳须分设');
    expect(own).toContain('不能再由您确认收款');
    const [still] = await bot.handle.db.select().from(duesPayments).where(eq(duesPayments.id, 2));
    expect(still!.status).toBe('recorded');

    expect(await bot.say('孙出纳', '党费 确认 1')).toContain('已确认收款（编号 1）：2026年9月至10月党费 195.00 元');
    expect(bot.outputs.join('\n')).toContain('[发给 李四] 您交纳的2026年9月至10月党费 195.00 元已由支部出纳确认收讫');
    expect(await bot.say('孙出纳', '党费 确认 1')).toContain('已确认收讫，无需重复确认');
    expect(await bot.say('周兼', '党费 登记 李四 2026-10 97.50')).toContain('已登记过（编号 1，已收讫）');

    // The database itself refuses a payment confirmed by its recorder.
    await expect(bot.handle.db.update(duesPayments).set({ status: 'confirmed', confirmedBy: ids['周兼']! })
      .where(eq(duesPayments.id, 2))).rejects.toThrow();
    const audits = await bot.handle.db.select().from(auditLog).where(eq(auditLog.entity, 'dues_payment'));
    expect(audits.map((a) => a.action).sort()).toEqual(['confirm', 'record', 'record']);
  });

  it('refuses 补交 or 预交 beyond 6 months, too little money, and months without a standard', async () => {
    expect(await bot.say('钱会计', '党费 登记 王五 2026-10 21')).toContain('王五2026年10月尚无党费标准');
    expect(await bot.say('钱会计', '党费 登记 李四 2026-05 97.50'))
      .toContain('补交党费一般不超过6个月（党费规定第十二条），2026年5月已超出，最早可补交2026年6月');
    expect(await bot.say('钱会计', '党费 登记 李四 2027-07 97.50'))
      .toContain('预交党费一般不超过6个月（党费规定第十二条），2027年7月已超出，最晚可预交到2027年6月');
    expect(await bot.say('钱会计', '党费 登记 李四 2026-12至2027-01 100')).toContain('金额不足：李四2026年12月至2027年1月应交党费 195.00 元');
    const ahead = await bot.say('钱会计', '党费 登记 李四 2026-12至2027-06 682.50');
    expect(ahead).toContain('已登记（编号 3）');
    expect(ahead).toContain('其中2027年1月至6月为预交');
    expect(await bot.say('钱会计', '党费 登记 李四 十三月 1')).toContain('看不懂月份');
  });

  it('lets the 会计 undo an unconfirmed entry, but not a confirmed one', async () => {
    expect(await bot.say('孙出纳', '党费 撤销 1 错了')).toContain('已由出纳确认收讫，不能撤销');
    expect(await bot.say('钱会计', '党费 撤销 2 重复登记')).toContain('已撤销编号 2 的党费登记');
    expect(await bot.say('李四', '党费')).toContain('未交：2026年11月，共 97.50 元');
  });

  it('lists the branch’s unpaid dues and the year’s ledger for officers', async () => {
    const list = await bot.say('张书记', '党费 未交');
    expect(list).toContain('李四　2026年11月　97.50 元（连续逾期 1 个月）');
    expect(list).toContain('王五　2026年11月至12月　42.00 元');
    expect(list).toContain('合计 2 人，139.50 元');
    const ledger = await bot.say('孙出纳', '党费 台账 2026');
    expect(ledger).toContain('李四　已交 9-10月，待确认 12月，未交 11月　已交 195.00 / 应交 390.00 元');
    expect(ledger).toContain('合计：应交 432.00 元，已交 195.00 元，待确认 97.50 元，未交 139.50 元。');
  });

  it('sends the year as an .xlsx file in the chat', async () => {
    const reply = await bot.say('钱会计', '党费 导出 2026');
    expect(reply).toContain('已导出“第一党支部”2026年党费台账：2 名党员、3 笔交纳记录');
    const { name, workbook: wb } = await deliveredWorkbook(reply);
    expect(name).toBe('第一党支部-党费台账-2026-202612021000.xlsx');
    // The 李四 who asked earlier was refused: this is the only file ever stored.
    expect((await bot.handle.db.select().from(exportFiles)).map((f) => f.fileName)).toEqual([name]);
    const sheet = wb.getWorksheet('党费台账')!;
    const li = sheet.getRows(1, sheet.rowCount)!.find((r) => r.getCell(1).value === '李四')!;
    expect(li.getCell(11).value).toBe('已交 97.50'); // September
    expect(li.getCell(13).value).toBe('未交 97.50'); // November
    expect(li.getCell(15).value).toBe(390); // 应交
    expect(wb.getWorksheet('交纳记录')!.getRow(2).getCell(6).value).toBe('钱会计');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { tenants } from '../../db/schema/index.ts';
import { lastWeek, scrub } from '../../src/appeals/board.ts';
import { nextTrackingNumber, parseTrackingNumber } from '../../src/appeals/numbers.ts';
import { parseSubmission } from '../../src/appeals/submit.ts';
import { asTyped } from '../../src/appeals/text.ts';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';
import type { TestBot } from '../helpers/runtime.ts';
import { appealBot, appealRow, type Seeded } from './seed.ts';

const at = (iso: string) => new Date(iso);

describe('appeal helpers', () => {
  it('reads tracking numbers in full, short and bare forms', () => {
    expect(parseTrackingNumber('SQ-2026-0001', 2027)).toEqual({ year: 2026, seq: 1 });
    expect(parseTrackingNumber('sq-2026-12', 2027)).toEqual({ year: 2026, seq: 12 });
    expect(parseTrackingNumber('2026-0007', 2027)).toEqual({ year: 2026, seq: 7 });
    expect(parseTrackingNumber('0003', 2027)).toEqual({ year: 2027, seq: 3 });
    expect(parseTrackingNumber('SQ-2026-0000', 2027)).toBeNull();
    expect(parseTrackingNumber('第一件', 2027)).toBeNull();
  });

  it('takes 匿名, 紧急 and a category from the front of the text, in any order', () => {
    const cats = DEFAULT_SETTINGS.appealCategories;
    expect(parseSubmission('紧急 匿名 安全生产 灭火器 过期', cats)).toEqual({ anonymous: true, urgent: true, category: '安全生产', content: '灭火器 过期' });
    expect(parseSubmission('食堂 饭菜 太咸', cats)).toEqual({ anonymous: false, urgent: false, content: '食堂 饭菜 太咸' });
    expect(parseSubmission('其他', cats)).toEqual({ anonymous: false, urgent: false, content: '其他' });
  });

  it('keeps free text as typed: full-width punctuation and line breaks', () => {
    expect(asTyped('诉求 补充 SQ-2026-0001 是10月，和11月！\n两个月', '是10月,和11月! 两个月')).toBe('是10月，和11月！\n两个月');
    expect(asTyped('/诉求 “食堂问题：饭菜太咸”', '食堂问题:饭菜太咸')).toBe('食堂问题：饭菜太咸');
    expect(asTyped('诉求 x', 'y')).toBe('y');
  });

  it('blanks names, employee numbers, handles and long digit runs in public summaries', () => {
    expect(scrub('已与张三、李四光谈话，工号A1023，电话13800138000，匿名#3', ['张三', '李四光', ''], ['A1023']))
      .toBe('已与某同志、某同志谈话，工号＊＊，电话＊＊，职工');
  });

  it('finds the previous Monday-to-Sunday week in local time', () => {
    expect(lastWeek(at('2026-12-07T09:00:00+08:00'), 'Asia/Shanghai')).toEqual({
      start: at('2026-11-30T00:00:00+08:00'), end: at('2026-12-07T00:00:00+08:00'), from: '2026-11-30', to: '2026-12-06',
    });
    expect(lastWeek(at('2026-12-06T23:00:00+08:00'), 'Asia/Shanghai').from).toBe('2026-11-23');
  });
});

describe('deadlines across weekends, public holidays, make-up workdays and overrides (end to end)', () => {
  let bot: TestBot;
  let seeded: Seeded;
  beforeAll(async () => {
    ({ bot, seeded } = await appealBot({ 第一党支部: [{ name: '张书记', roles: ['书记'] }, { name: '王五' }] }, '2026-09-30T10:00:00+08:00'));
  });
  afterAll(() => bot.close());

  it('over 十一: accept by 8 Oct; the make-up Saturday 10 Oct counts toward resolution', async () => {
    expect(await bot.say('王五', '诉求 工作条件 空调坏了')).toContain('受理时限：2026-10-08 10:00 前');
    bot.setNow('2026-10-09T15:00:00+08:00');
    expect(await bot.say('张书记', '诉求 受理 SQ-2026-0001')).toContain('2026-10-19 15:00 前办结');
  });

  it('urgent: two working hours, nights and the weekend not counted', async () => {
    bot.setNow('2026-10-16T17:00:00+08:00');
    await bot.say('王五', '诉求 紧急 安全生产 配电箱冒烟');
    expect((await appealRow(bot, 'SQ-2026-0002')).acceptBy).toEqual(at('2026-10-19T10:00:00+08:00'));
  });

  it('follows the tenant’s working-day overrides and per-category limits', async () => {
    expect(await bot.say('王五', '工作日 设置 2026-12-03 休息')).toContain('仅管理员可用');
    expect(await bot.say('管理员', '工作日 设置 2026-12-03 休息 检修停工')).toBe('已设置：2026-12-03 为休息日。此后计算的时限按新安排。');
    expect(await bot.say('管理员', '工作日 查看 2027')).toContain('2027年的放假安排尚未内置，目前按周一至周五计算');
    expect(await bot.say('管理员', '工作日 查看 2026')).toContain('2026-12-03 休息（检修停工）');
    bot.setNow('2026-12-02T10:00:00+08:00');
    await bot.say('王五', '诉求 工作条件 更衣室漏水');
    expect((await appealRow(bot, 'SQ-2026-0003')).acceptBy).toEqual(at('2026-12-04T10:00:00+08:00'));

    expect(await bot.say('管理员', '诉求 时限 安全生产 受理:2 办结:3')).toContain('安全生产：2个工作日内受理，受理后3个工作日内办结');
    expect(await bot.say('管理员', '诉求 时限 全部 办结:0')).toContain('“办结时限（工作日）”应为介于 1 和 90 之间的整数');
    expect(await bot.say('管理员', '诉求 时限 全部 办结:5')).toContain('工作条件：1个工作日内受理，受理后5个工作日内办结');
    const [t] = await bot.handle.db.select().from(tenants).where(eq(tenants.id, seeded.tenantId));
    expect(t!.settings).toEqual({ appealDeadlines: { resolveWorkingDays: 5 } });
    const receipt = await bot.say('王五', '诉求 安全生产 脚手架松动');
    expect(receipt).toContain('受理时限：2026-12-07 10:00 前');
    expect(receipt).toContain('2个工作日内受理，受理后3个工作日内办结');
  });

  it('never gives two submissions the same number, even at once; a new year starts again at 1', async () => {
    const db = bot.handle.db;
    const got = await Promise.all(Array.from({ length: 12 }, () => db.transaction((tx) => nextTrackingNumber(tx, seeded.tenantId, 2026))));
    expect(got.map((g) => g.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 5));
    expect((await nextTrackingNumber(db, seeded.tenantId, 2027)).number).toBe('SQ-2027-0001');
  });
});

import { describe, expect, it } from 'vitest';
import { annualReport } from '../../cron/dues-annual-report.ts';
import { duesCalc } from '../../commands/dues.ts';
import type { CommandContext } from '../../src/bot/context.ts';
import { parseMoney } from '../../src/bot/args.ts';
import { buildProfile } from '../../src/dues/profiles.ts';
import { monthsZh, parseMonthList } from '../../src/dues/months.ts';
import { memberReminder, secretaryNotice } from '../../src/dues/reminders.ts';
import { monthNumbers, yearRows, yearTotals } from '../../src/dues/year.ts';
import type { MemberLedger } from '../../src/dues/ledger.ts';

const now = new Date('2026-12-02T10:00:00+08:00');
const tz = 'Asia/Shanghai';

describe('党费 计算 answers', () => {
  const calc = async (text: string, category: '在职' | '离退休' = '在职') => {
    const parsed = parseMoney(text);
    if (!parsed.ok) throw new Error(text);
    const reply = await duesCalc.run({ base: parsed.value, category }, {} as CommandContext);
    return reply.kind === 'text' ? /每月应交党费 ([\d.]+) 元/.exec(reply.text)?.[1] : undefined;
  };
  it.each<[string, '在职' | '离退休', string]>([
    ['3000', '在职', '15.00'], ['3000.00', '在职', '15.00'], ['3000.01', '在职', '30.00'],
    ['5000', '在职', '50.00'], ['5000.01', '在职', '75.00'], ['6500', '在职', '97.50'],
    ['10000', '在职', '150.00'], ['10000.01', '在职', '200.00'], ['1235', '在职', '6.18'], ['1233', '在职', '6.17'],
    ['5000', '离退休', '25.00'], ['5000.01', '离退休', '50.00'],
  ])('%s (%s) → %s 元', async (base, category, yuan) => {
    expect(await calc(base, category)).toBe(yuan);
  });
});

describe('standards from what officers type', () => {
  it('needs a base for 在职, an approved amount for 核定, 0.2–1 元 for 农民', () => {
    expect(() => buildProfile('在职', undefined)).toThrow('计算基数');
    expect(() => buildProfile('核定', undefined)).toThrow('核定党费须写明');
    expect(buildProfile('核定', undefined, true)).toEqual({ category: '核定', fixedFen: 0 });
    expect(() => buildProfile('农民', 150)).toThrow('0.2元至1元');
    expect(buildProfile('学生', 9_999)).toEqual({ category: '学生' });
  });
});

describe('month lists', () => {
  it.each<[string, string[] | string]>([
    ['2026-11', ['2026-11']],
    ['2026-09,2026-10，2026-11', ['2026-09', '2026-10', '2026-11']],
    ['2026-11至2027-02', ['2026-11', '2026-12', '2027-01', '2027-02']],
    ['2026-09-2026-10', ['2026-09', '2026-10']],
    ['2026-10~2026-09', '起止颠倒'],
    ['本月', ['2026-12']],
    ['11月', ['2026-11']],
    ['2025-01至2026-12', '太长'],
    ['春天', '看不懂月份'],
  ])('%s', (text, expected) => {
    const r = parseMonthList(text, now, tz);
    if (Array.isArray(expected)) expect(r).toEqual({ ok: true, months: expected });
    else expect(!r.ok && r.error).toContain(expected);
  });

  it('reads back as short Chinese runs', () => {
    expect(monthsZh(['2026-10', '2026-08', '2026-09', '2027-01', '2026-12'])).toBe('2026年8月至10月、2026年12月至2027年1月');
  });
});

describe('year rows', () => {
  const ledger: MemberLedger = {
    member: { id: 1, name: '李四', branchId: 1, status: '正式党员' },
    profiles: [],
    entries: [
      { month: '2026-09', amountFen: 9_750, state: 'paid' }, { month: '2026-10', amountFen: 9_750, state: 'paid' },
      { month: '2026-11', amountFen: 9_750, state: 'unpaid' }, { month: '2026-12', amountFen: 9_750, state: 'pending' },
    ],
  };
  it('totals what is due up to the current month and what was paid ahead', () => {
    const [row] = yearRows([ledger], 2026, '2026-11');
    expect(row).toMatchObject({ dueFen: 29_250, paidFen: 19_500, pendingFen: 0, owedFen: 9_750, advanceFen: 9_750 });
    expect(monthNumbers(row!, (e) => e.state === 'paid')).toBe('9-10月');
    expect(yearTotals([row!, row!]).owedFen).toBe(19_500);
  });
});

describe('reminder and escalation texts', () => {
  it('is polite, names the amount, and warns of 自行脱党 only from 5 months', () => {
    const r = memberReminder({ name: '李四', months: ['2026-12'], amounts: [9_750], currentMonth: '2026-12', level: 'none' });
    expect(r.kind === 'card' && r.text).toContain('李四同志，您好！今天是支部党费收缴日，请交纳本月党费 97.50 元');
    expect(r.kind === 'card' && r.text).not.toContain('自行脱党');
    const w = memberReminder({ name: '李四', months: ['2026-07', '2026-08'], amounts: [100, 100], currentMonth: '2026-12', level: 'warn_lapse' });
    expect(w.kind === 'card' && w.text).toContain('按自行脱党处理');
  });

  it('asks the secretary to talk from 3 months, with the 谈话 button, and never names an amount', () => {
    expect(secretaryNotice({ name: '李四', run: 2, runMonths: ['2026-10', '2026-11'], level: 'remind' })).toBeUndefined();
    for (const level of ['talk', 'warn_lapse', 'flag_meeting'] as const) {
      const n = secretaryNotice({ name: '李四', run: 3, runMonths: ['2026-09', '2026-10', '2026-11'], level });
      expect(n?.kind === 'card' && n.buttons).toEqual([{ label: '预约谈话', command: '谈话 预约 李四', style: 'primary' }]);
      expect(JSON.stringify(n)).not.toMatch(/\d+\.\d{2}/);
    }
  });

  it('posts only aggregates, and no amounts at all for a branch of fewer than 3', () => {
    const big = annualReport('一支部', 2026, { branchId: 1, members: 3, dueFen: 117_000, paidFen: 97_500, settled: 2 });
    expect(big.kind === 'card' && big.text).toContain('收缴率 83.3%');
    const tiny = annualReport('二支部', 2026, { branchId: 2, members: 2, dueFen: 19_500, paidFen: 9_750, settled: 1 });
    expect(JSON.stringify(tiny)).not.toMatch(/\d+\.\d{2}/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  collectionDay, consecutiveUnpaid, escalation, formatYuan, ledgerMonths, monthlyDues, parseYuan,
  validatePaymentMonths, type DuesCategory, type Escalation,
} from '../../src/domain/dues.ts';

describe('monthlyDues (党费规定 Art.2, 5, 6)', () => {
  it.each<[DuesCategory, number, number]>([
    // in service, brackets on the whole base
    ['在职', 300_000, 1_500], // 3000.00 × 0.5%
    ['在职', 300_001, 3_000], // 3000.01 × 1% = 30.0001
    ['在职', 500_000, 5_000], // 5000.00 × 1%
    ['在职', 500_001, 7_500], // 5000.01 × 1.5% = 75.00015
    ['在职', 650_000, 9_750], // 6500 × 1.5% = 97.50, whole amount (marginal would be 72.50)
    ['在职', 1_000_000, 15_000], // 10000.00 × 1.5%
    ['在职', 1_000_001, 20_000], // 10000.01 × 2% = 200.0002
    ['在职', 0, 0],
    // rounding half up to the fen
    ['在职', 123_455, 617], // 1234.55 × 0.5% = 6.17275
    ['在职', 123_500, 618], // 1235.00 × 0.5% = 6.175
    ['在职', 123_300, 617], // 1233.00 × 0.5% = 6.165 → 6.17
    ['在职', 300_050, 3_001], // 3000.50 × 1% = 30.005
    ['在职', 300_049, 3_000], // 3000.49 × 1% = 30.0049
    ['在职', 500_100, 7_502], // 5001.00 × 1.5% = 75.015
    ['在职', 1_234_567, 24_691], // 12345.67 × 2% = 246.9134
    // retired
    ['离退休', 500_000, 2_500], // 5000.00 × 0.5%
    ['离退休', 500_001, 5_000], // 5000.01 × 1% = 50.0001
    ['离退休', 420_000, 2_100],
    ['离退休', 800_000, 8_000],
  ])('%s base %i fen → %i fen', (category, baseFen, fen) => {
    expect(monthlyDues({ category, baseFen })).toBe(fen);
  });

  it.each<[DuesCategory, number | undefined, number]>([
    ['学生', undefined, 20], ['下岗失业', undefined, 20], ['低保/抚恤', undefined, 20],
    ['学生', 500, 20], // a fixed category ignores any amount given
    ['农民', 20, 20], ['农民', 100, 100], ['农民', 50, 50],
    ['核定', 0, 0], ['核定', 1_000, 1_000],
  ])('%s with fixed %s → %i fen', (category, fixedFen, fen) => {
    expect(monthlyDues({ category, ...(fixedFen === undefined ? {} : { fixedFen }) })).toBe(fen);
  });

  it.each([
    [{ category: '在职' as const }, '计算基数'],
    [{ category: '离退休' as const, baseFen: -1 }, '计算基数'],
    [{ category: '在职' as const, baseFen: 1.5 }, '计算基数'],
    [{ category: '农民' as const, fixedFen: 19 }, '0.2元至1元'],
    [{ category: '农民' as const, fixedFen: 101 }, '0.2元至1元'],
    [{ category: '农民' as const }, '0.2元至1元'],
    [{ category: '核定' as const }, '核定'],
  ])('refuses %j', (profile, message) => {
    expect(() => monthlyDues(profile)).toThrow(message);
  });
});

describe('formatYuan / parseYuan', () => {
  it.each<[number, string]>([[9_750, '97.50'], [20, '0.20'], [0, '0.00'], [1_500, '15.00'], [123_456_789, '1234567.89'], [-5, '-0.05']])(
    '%i → %s', (fen, text) => {
      expect(formatYuan(fen)).toBe(text);
    },
  );

  it.each<[string, number | undefined]>([
    ['6500', 650_000], ['6500.5', 650_050], ['6,500.00', 650_000], ['¥97.50', 9_750], ['97.5元', 9_750],
    ['0.2', 20], ['6500.555', undefined], ['-1', undefined], ['abc', undefined], ['65,00', undefined], ['', undefined],
  ])('parseYuan(%j) = %s', (text, fen) => {
    expect(parseYuan(text)).toBe(fen);
  });
});

describe('ledgerMonths (党费规定 Art.8, Art.10)', () => {
  it('starts in the month of the 支部大会 and applies a new base from its month', () => {
    const rows = ledgerMonths({
      probationarySince: '2026-03-28',
      profiles: [
        { effectiveMonth: '2026-07', category: '在职', baseFen: 650_000 }, // raise in July, listed first on purpose
        { effectiveMonth: '2026-03', category: '在职', baseFen: 480_000 },
      ],
      until: '2026-09',
    });
    expect(rows.map((r) => [r.month, r.amountFen])).toEqual([
      ['2026-03', 4_800], ['2026-04', 4_800], ['2026-05', 4_800], ['2026-06', 4_800],
      ['2026-07', 9_750], ['2026-08', 9_750], ['2026-09', 9_750],
    ]);
  });

  it('leaves months before any profile without an amount', () => {
    const rows = ledgerMonths({
      probationarySince: '2026-01-10',
      profiles: [{ effectiveMonth: '2026-02', category: '核定', fixedFen: 0 }],
      until: '2026-02',
    });
    expect(rows).toEqual([
      { month: '2026-01', amountFen: null },
      { month: '2026-02', amountFen: 0, profile: { effectiveMonth: '2026-02', category: '核定', fixedFen: 0 } },
    ]);
  });
});

describe('validatePaymentMonths (党费规定 Art.12)', () => {
  const current = '2026-11';
  it.each<[string[], boolean, string?]>([
    [['2026-11'], true],
    [['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'], true], // 6 months back
    [['2026-04'], false, '补交党费一般不超过6个月（党费规定第十二条），2026年4月已超出'],
    [['2027-05'], true], // 6 months ahead
    [['2027-06'], false, '预交党费一般不超过6个月（党费规定第十二条），2027年6月已超出'],
    [['2026-13'], false, '月份格式不对'],
    [['2026-11', '2026-11'], false, '两次'],
    [[], false, '哪个月'],
  ])('%j', (months, ok, message) => {
    const r = validatePaymentMonths({ months, currentMonth: current });
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.error).toContain(message);
  });
});

describe('consecutiveUnpaid and escalation', () => {
  const ledger = (paid: Record<string, boolean>, amounts: Record<string, number> = {}) =>
    Object.entries(paid).map(([month, p]) => ({ month, paid: p, amountFen: amounts[month] ?? 1_500 }));

  it.each<[Record<string, boolean>, number]>([
    [{ '2026-08': true, '2026-09': true, '2026-10': true, '2026-11': false }, 0], // current month not yet overdue
    [{ '2026-08': true, '2026-09': false, '2026-10': false }, 2],
    [{ '2026-08': false, '2026-09': true, '2026-10': false }, 1],
    [{ '2026-05': false, '2026-06': false, '2026-07': false, '2026-08': false, '2026-09': false, '2026-10': false }, 6],
    [{ '2026-09': false, '2026-10': false }, 2], // ledger starts in September
  ])('%j → %i', (paid, n) => {
    expect(consecutiveUnpaid(ledger(paid), '2026-11')).toBe(n);
  });

  it('a month with nothing owed (免交) ends the run', () => {
    expect(consecutiveUnpaid(ledger({ '2026-08': false, '2026-09': false, '2026-10': false }, { '2026-09': 0 }), '2026-11')).toBe(1);
  });

  it.each<[number, Escalation]>([
    [0, 'none'], [1, 'remind'], [2, 'remind'], [3, 'talk'], [4, 'talk'], [5, 'warn_lapse'], [6, 'flag_meeting'], [9, 'flag_meeting'],
  ])('%i months → %s', (n, level) => {
    expect(escalation(n)).toBe(level);
  });
});

describe('collectionDay', () => {
  it('defaults to the 5th and clamps to the month end', () => {
    expect(collectionDay('2026-11')).toBe('2026-11-05');
    expect(collectionDay('2026-02', 31)).toBe('2026-02-28');
    expect(collectionDay('2028-02', 30)).toBe('2028-02-29');
  });
});

import { describe, expect, it } from 'vitest';
import {
  parseDate, parseDateTime, parseMonth, parseQuarter, parseTimeOfDay, parseWhen, parseYear, zhNumber,
} from '../../src/bot/dates.ts';

const SH = 'Asia/Shanghai';
/** Wednesday 2026-12-02 10:00 in Shanghai. */
const NOW = new Date('2026-12-02T02:00:00Z');

describe('parseDateTime (now = 2026-12-02 周三 10:00 Asia/Shanghai)', () => {
  it.each([
    ['下周三下午3点', '2026-12-09T07:00:00.000Z'],
    ['下周三 下午3点', '2026-12-09T07:00:00.000Z'],
    ['12月5日', '2026-12-04T16:00:00.000Z'],
    ['12月5日下午3点', '2026-12-05T07:00:00.000Z'],
    ['十二月五日 15:00', '2026-12-05T07:00:00.000Z'],
    ['12月5号下午三点一刻', '2026-12-05T07:15:00.000Z'],
    ['2026-12-20 09:30', '2026-12-20T01:30:00.000Z'],
    ['2026-11-20 15:00', '2026-11-20T07:00:00.000Z'],
    ['2026-12-20T09:30', '2026-12-20T01:30:00.000Z'],
    ['2026-12-20T09:30:00Z', '2026-12-20T09:30:00.000Z'],
    ['2026-12-20T09:30:00+08:00', '2026-12-20T01:30:00.000Z'],
    ['2026/12/20 9:05', '2026-12-20T01:05:00.000Z'],
    ['２０２６－１２－２０　０９：３０', '2026-12-20T01:30:00.000Z'],
    ['明天上午9点', '2026-12-03T01:00:00.000Z'],
    ['明天 15:00', '2026-12-03T07:00:00.000Z'],
    ['后天晚上七点半', '2026-12-04T11:30:00.000Z'],
    ['今天', '2026-12-01T16:00:00.000Z'],
    ['下午3点', '2026-12-02T07:00:00.000Z'],
    // 周三 said on a Wednesday: today, unless the time has already passed.
    ['周三下午3点', '2026-12-02T07:00:00.000Z'],
    ['周三上午9点', '2026-12-09T01:00:00.000Z'],
    ['周一 14:30', '2026-12-07T06:30:00.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(parseDateTime(text, NOW, SH)?.toISOString()).toBe(iso);
  });

  it.each([
    '2月30日', '2026年2月30日', '2026-02-30', '2026-13-01', '2026/04/31', '2026-02-30T09:30:00Z', '2月29日',
    '2026-12-20 24:00', '2026-12-20 09:60', '25:00', '12月5日开会', '12月50日', '下周', '2026年11月', '11月', '下午',
    'abc', '', '   ', '1800-01-01', '明天 支委会', '周八',
  ])('%j → null', (text) => {
    expect(parseDateTime(text, NOW, SH)).toBeNull();
  });

  it('reads phrases in the given zone, not the process zone', () => {
    // The same instant is 2026-12-01 21:00 in New York.
    expect(parseDateTime('明天上午9点', NOW, 'America/New_York')?.toISOString()).toBe('2026-12-02T14:00:00.000Z');
    expect(parseDateTime('今天', NOW, 'Asia/Kolkata')?.toISOString()).toBe('2026-12-01T18:30:00.000Z');
    expect(parseDate('今天', new Date('2026-12-31T16:30:00Z'), SH)).toEqual({ y: 2027, m: 1, d: 1 });
  });
});

describe('parseDate', () => {
  it.each([
    ['今天', '2026-12-02'],
    ['明天', '2026-12-03'],
    ['后天', '2026-12-04'],
    ['昨天', '2026-12-01'],
    ['3天后', '2026-12-05'],
    ['12月5日', '2026-12-05'],
    ['12月2日', '2026-12-02'],
    ['12月1日', '2027-12-01'],
    ['1月1日', '2027-01-01'],
    ['二〇二六年十二月三十一日', '2026-12-31'],
    ['2026年12月5日', '2026-12-05'],
    ['2026-12-20', '2026-12-20'],
    ['2026/12/20', '2026-12-20'],
    ['2026.12.20', '2026-12-20'],
    ['2028年2月29日', '2028-02-29'],
    ['周三', '2026-12-02'],
    ['星期五', '2026-12-04'],
    ['周一', '2026-12-07'],
    ['周日', '2026-12-06'],
    ['星期天', '2026-12-06'],
    ['礼拜二', '2026-12-08'],
    ['这周一', '2026-11-30'],
    ['本周日', '2026-12-06'],
    ['下周三', '2026-12-09'],
    ['下个星期一', '2026-12-07'],
    ['下周日', '2026-12-13'],
    ['上周五', '2026-11-27'],
    ['下下周一', '2026-12-14'],
  ])('%s → %s', (text, ymd) => {
    const d = parseDate(text, NOW, SH);
    expect(d && `${d.y}-${String(d.m).padStart(2, '0')}-${String(d.d).padStart(2, '0')}`).toBe(ymd);
  });

  it('refuses a phrase with a time of day, and impossible dates', () => {
    expect(parseDate('明天上午9点', NOW, SH)).toBeNull();
    expect(parseDate('2026-12-20 09:30', NOW, SH)).toBeNull();
    expect(parseDate('2月30日', NOW, SH)).toBeNull();
    // Next 2月29日 after 2026-12-02 would be in 2027, which is not a leap year.
    expect(parseDate('2月29日', NOW, SH)).toBeNull();
    expect(parseDate('2月29日', new Date('2027-12-02T02:00:00Z'), SH)).toEqual({ y: 2028, m: 2, d: 29 });
  });
});

describe('parseWhen and parseTimeOfDay', () => {
  it('tells a date from a date with a time', () => {
    expect(parseWhen('12月5日', NOW, SH)).toEqual({ date: { y: 2026, m: 12, d: 5 }, time: null });
    expect(parseWhen('12月5日 9:30', NOW, SH)).toEqual({ date: { y: 2026, m: 12, d: 5 }, time: { hh: 9, mi: 30 } });
  });

  it.each([
    ['15:00', { hh: 15, mi: 0 }],
    ['9:30', { hh: 9, mi: 30 }],
    ['下午3点', { hh: 15, mi: 0 }],
    ['下午3点半', { hh: 15, mi: 30 }],
    ['晚上8点', { hh: 20, mi: 0 }],
    ['上午十点半', { hh: 10, mi: 30 }],
    ['15点30分', { hh: 15, mi: 30 }],
    ['24:00', null],
    ['明天', null],
    ['3', null],
  ])('time of day %s', (text, expected) => {
    expect(parseTimeOfDay(text, NOW, SH)).toEqual(expected);
  });
});

describe('parseMonth, parseQuarter, parseYear', () => {
  it.each([
    ['2026-11', NOW, { y: 2026, m: 11 }],
    ['2026/3', NOW, { y: 2026, m: 3 }],
    ['2026年11月', NOW, { y: 2026, m: 11 }],
    ['11月', NOW, { y: 2026, m: 11 }],
    ['十一月', NOW, { y: 2026, m: 11 }],
    ['11月份', NOW, { y: 2026, m: 11 }],
    ['本月', NOW, { y: 2026, m: 12 }],
    ['这个月', NOW, { y: 2026, m: 12 }],
    ['上月', NOW, { y: 2026, m: 11 }],
    ['上个月', NOW, { y: 2026, m: 11 }],
    ['下个月', NOW, { y: 2027, m: 1 }],
    ['上月', new Date('2026-01-15T02:00:00Z'), { y: 2025, m: 12 }],
    // 2026-03-31T16:30Z is already 1 April in Shanghai.
    ['本月', new Date('2026-03-31T16:30:00Z'), { y: 2026, m: 4 }],
    ['2026-13', NOW, null],
    ['2026-00', NOW, null],
    ['13月', NOW, null],
    ['月', NOW, null],
    ['2026-11-05', NOW, null],
  ])('month %s', (text, now, expected) => {
    expect(parseMonth(text, now, SH)).toEqual(expected);
  });

  it.each([
    ['2026Q4', NOW, { y: 2026, q: 4 }],
    ['2026-q1', NOW, { y: 2026, q: 1 }],
    ['2026年第四季度', NOW, { y: 2026, q: 4 }],
    ['二季度', NOW, { y: 2026, q: 2 }],
    ['Q3', NOW, { y: 2026, q: 3 }],
    ['本季度', NOW, { y: 2026, q: 4 }],
    ['上季度', NOW, { y: 2026, q: 3 }],
    ['下季度', NOW, { y: 2027, q: 1 }],
    ['上季度', new Date('2026-02-10T02:00:00Z'), { y: 2025, q: 4 }],
    ['本季度', new Date('2026-03-31T15:59:00Z'), { y: 2026, q: 1 }],
    ['本季度', new Date('2026-03-31T16:00:00Z'), { y: 2026, q: 2 }],
    ['第五季度', NOW, null],
    ['2026Q5', NOW, null],
  ])('quarter %s', (text, now, expected) => {
    expect(parseQuarter(text, now, SH)).toEqual(expected);
  });

  it.each([
    ['2026', 2026],
    ['2026年', 2026],
    ['2025年度', 2025],
    ['二〇二六年', 2026],
    ['今年', 2026],
    ['去年', 2025],
    ['明年', 2027],
    ['前年', 2024],
    ['1800', null],
    ['26', null],
    ['今', null],
  ])('year %s', (text, expected) => {
    expect(parseYear(text, NOW, SH)).toBe(expected);
  });

  it('今年 follows the zone at the turn of the year', () => {
    expect(parseYear('今年', new Date('2026-12-31T16:30:00Z'), SH)).toBe(2027);
    expect(parseYear('今年', new Date('2026-12-31T16:30:00Z'), 'UTC')).toBe(2026);
  });
});

describe('zhNumber', () => {
  it.each([
    ['5', 5], ['五', 5], ['十', 10], ['十二', 12], ['二十', 20], ['二十一', 21], ['三十一', 31], ['两', 2],
    ['二〇二六', 2026], ['十十', null], ['', null], ['abc', null],
  ])('%s → %s', (s, n) => {
    expect(zhNumber(s)).toBe(n);
  });
});

describe('independent of the process time zone', () => {
  it.each(['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC'])('TZ=%s', (processTz) => {
    const saved = process.env.TZ;
    process.env.TZ = processTz;
    try {
      expect(parseDateTime('明天上午9点', NOW, SH)?.toISOString()).toBe('2026-12-03T01:00:00.000Z');
      expect(parseDateTime('下周三下午3点', NOW, SH)?.toISOString()).toBe('2026-12-09T07:00:00.000Z');
      expect(parseDateTime('3天后', NOW, SH)?.toISOString()).toBe('2026-12-04T16:00:00.000Z');
      expect(parseDateTime('今晚8点', NOW, SH)?.toISOString()).toBe('2026-12-02T12:00:00.000Z');
      expect(parseDateTime('12月5日下午3点', NOW, SH)?.toISOString()).toBe('2026-12-05T07:00:00.000Z');
      expect(parseDateTime('明天上午9点', NOW, 'America/New_York')?.toISOString()).toBe('2026-12-02T14:00:00.000Z');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('just after midnight', () => {
  it('明天 is the next calendar day', () => {
    const late = new Date('2026-12-02T16:30:00Z'); // 2026-12-03 00:30 in Shanghai
    expect(parseDate('明天', late, SH)).toEqual({ y: 2026, m: 12, d: 4 });
    expect(parseDate('今天', late, SH)).toEqual({ y: 2026, m: 12, d: 3 });
  });
});

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS, endOfQuiet, isQuietTime, mergeSettings, parseSettings, validateSettingsPatch,
} from '../../src/domain/settings.ts';

const at = (iso: string) => new Date(iso);
const SH = 'Asia/Shanghai';

describe('parseSettings', () => {
  it('has the documented defaults', () => {
    const s = parseSettings({});
    expect(s.quietHours).toEqual({ start: '22:00', end: '08:00' });
    expect(s.meetingReminderDays).toEqual([7, 2]);
    expect(s.duesCollectionDay).toBe(5);
    expect(s.weeklySummary).toEqual({ weekday: 5, time: '17:00' });
    expect(s.appealCategories).toEqual(['工作条件', '薪酬福利', '安全生产', '生活困难', '意见建议', '其他']);
    expect(s.appealDeadlines).toEqual({ acceptWorkingDays: 1, urgentAcceptHours: 2, resolveWorkingDays: 7, complexResolveWorkingDays: 15 });
    expect(s.development).toEqual({ publicNoticeWorkingDays: 5, thoughtReportCadence: 'quarter' });
    expect(s.meetingCadences).toMatchObject({ 支部党员大会: 'quarter', 支部委员会: 'month', 党课: 'quarter', 组织生活会: 'year' });
    expect(s.mustTalkReasons).toHaveLength(4);
    expect(s.gamification).toBe(false);
  });

  it.each<[string, unknown]>([
    ['null', null], ['an array', [1, 2]], ['a number', 42], ['broken JSON text', '{"quietHours": '], ['undefined', undefined],
  ])('falls back to defaults for %s', (_name, raw) => {
    expect(parseSettings(raw)).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps good fields and replaces bad ones, key by key', () => {
    const s = parseSettings({
      quietHours: { start: '23:00', end: '25:00' },
      meetingCadences: { 党课: 'year', 主题党日: 'weekly' },
      meetingReminderDays: 'soon',
      duesCollectionDay: 10,
      gamification: 'yes',
      appealCategories: [],
      unknownThing: 1,
    });
    expect(s.quietHours).toEqual({ start: '23:00', end: '08:00' });
    expect(s.meetingCadences.党课).toBe('year');
    expect(s.meetingCadences.主题党日).toBe('month');
    expect(s.meetingReminderDays).toEqual([7, 2]);
    expect(s.duesCollectionDay).toBe(10);
    expect(s.gamification).toBe(false);
    expect(s.appealCategories).toEqual(DEFAULT_SETTINGS.appealCategories);
    expect(s).not.toHaveProperty('unknownThing');
  });

  it('reads stored JSON text and never shares the defaults', () => {
    const s = parseSettings('{"gamification": true}');
    expect(s.gamification).toBe(true);
    s.quietHours.start = '00:00';
    expect(DEFAULT_SETTINGS.quietHours.start).toBe('22:00');
  });
});

describe('validateSettingsPatch', () => {
  it('accepts and normalises a good patch', () => {
    const r = validateSettingsPatch({ meetingReminderDays: [2, 7, 7], quietHours: { start: '21:30' }, meetingCadences: { 党课: '每年' } });
    expect(r).toEqual({ ok: true, patch: { meetingReminderDays: [7, 2], quietHours: { start: '21:30' }, meetingCadences: { 党课: 'year' } } });
    if (r.ok) {
      expect(parseSettings(mergeSettings({ quietHours: { start: '22:00', end: '07:00' } }, r.patch)).quietHours)
        .toEqual({ start: '21:30', end: '07:00' });
    }
  });

  it.each<[unknown, string]>([
    [{ duesCollectionDay: 31 }, '党费收缴日：应为1至28之间的整数'],
    [{ quietHours: { start: '9pm' } }, '免打扰时段·开始：应写作 HH:MM'],
    [{ quietHours: '22:00-08:00' }, '免打扰时段：应分项填写'],
    [{ quietHours: { begin: '22:00' } }, '免打扰时段：没有“begin”这一项'],
    [{ meetingCadences: { 支部委员会: 'weekly' } }, '会议频次·支部委员会会议：应为每月、每季度、每年或不要求'],
    [{ weeklySummary: { weekday: 0 } }, '每周小结·星期：应为1至7'],
    [{ gamification: 'on' }, '打卡积分排名功能：应为 true 或 false'],
    [{ appealCategories: ['其他', '其他'] }, '诉求类别：应为1至20项不重复的文字'],
    [{ colour: 'red' }, '没有“colour”这个设置项'],
    ['x', '设置内容应为'],
  ])('%j → %s', (patch, message) => {
    const r = validateSettingsPatch(patch);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toContain(message);
  });

  it('reports every problem', () => {
    const r = validateSettingsPatch({ duesCollectionDay: 0, gamification: 1 });
    expect(r.ok ? [] : r.errors).toHaveLength(2);
  });
});

describe('quiet hours', () => {
  const quiet = { start: '22:00', end: '08:00' };
  it.each<[string, boolean, string]>([
    ['2026-11-06T21:59:00+08:00', false, '2026-11-06T21:59:00+08:00'],
    ['2026-11-06T22:00:00+08:00', true, '2026-11-07T08:00:00+08:00'],
    ['2026-11-06T23:30:00+08:00', true, '2026-11-07T08:00:00+08:00'],
    ['2026-12-31T23:30:00+08:00', true, '2027-01-01T08:00:00+08:00'],
    ['2028-02-28T23:00:00+08:00', true, '2028-02-29T08:00:00+08:00'],
    ['2026-11-07T03:00:00+08:00', true, '2026-11-07T08:00:00+08:00'],
    ['2026-11-07T07:59:00+08:00', true, '2026-11-07T08:00:00+08:00'],
    ['2026-11-07T08:00:00+08:00', false, '2026-11-07T08:00:00+08:00'],
  ])('%s quiet: %s, may send at %s', (iso, isQuiet, next) => {
    expect(isQuietTime(at(iso), SH, quiet)).toBe(isQuiet);
    expect(endOfQuiet(at(iso), SH, quiet)).toEqual(at(next));
  });

  it('handles a window that does not cross midnight, and an empty one', () => {
    const noon = { start: '12:00', end: '14:00' };
    expect(isQuietTime(at('2026-11-07T13:00:00+08:00'), SH, noon)).toBe(true);
    expect(endOfQuiet(at('2026-11-07T13:00:00+08:00'), SH, noon)).toEqual(at('2026-11-07T14:00:00+08:00'));
    expect(isQuietTime(at('2026-11-07T23:00:00+08:00'), SH, noon)).toBe(false);
    expect(isQuietTime(at('2026-11-07T23:00:00+08:00'), SH, { start: '08:00', end: '08:00' })).toBe(false);
  });
});

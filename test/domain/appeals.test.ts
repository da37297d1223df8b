import { describe, expect, it } from 'vitest';
import {
  canReopen, overdue, ratingValid, recurringWords, slaDeadlines, trackingNumber, transition,
  type AppealAction, type AppealState, type EscalationKey, type SlaDeadlines,
} from '../../src/domain/appeals.ts';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';

const at = (iso: string) => new Date(iso);
const DAY = 86_400_000;

describe('transition', () => {
  const reopen = (): AppealAction => ({ type: 'reopen', resolvedAt: at('2026-03-10T10:00:00+08:00'), now: at('2026-03-12T10:00:00+08:00') });
  it.each<[AppealState, AppealAction, AppealState]>([
    ['submitted', { type: 'accept' }, 'accepted'],
    ['submitted', { type: 'transfer', to: '工会主席', reason: '属于工会职责' }, 'transferred'],
    ['submitted', { type: 'return', reason: '不属于本单位受理范围，请向社保中心咨询' }, 'returned'],
    ['transferred', { type: 'accept' }, 'accepted'],
    ['transferred', { type: 'transfer', to: '后勤处', reason: '涉及食堂' }, 'transferred'],
    ['transferred', { type: 'return', reason: '不属于受理范围' }, 'returned'],
    ['accepted', { type: 'ask_submitter' }, 'waiting_submitter'],
    ['waiting_submitter', { type: 'submitter_replied' }, 'accepted'],
    ['accepted', { type: 'resolve' }, 'resolved'],
    ['waiting_submitter', { type: 'resolve' }, 'resolved'],
    ['resolved', { type: 'close' }, 'closed'],
    ['resolved', reopen(), 'reopened'],
    ['reopened', { type: 'accept' }, 'accepted'],
  ])('%s --%o--> %s', (state, action, next) => {
    expect(transition(state, action)).toEqual({ ok: true, state: next });
  });

  it.each<[AppealState, AppealAction, string]>([
    ['submitted', { type: 'resolve' }, '诉求待受理，不能办结。当前可以：受理、转办、退回。'],
    ['accepted', { type: 'transfer', to: '后勤处', reason: '涉及食堂' }, '诉求办理中，不能转办。当前可以：请提交人补充、办结。'],
    ['accepted', { type: 'return', reason: '不属于受理范围' }, '诉求办理中，不能退回。当前可以：请提交人补充、办结。'],
    ['waiting_submitter', { type: 'ask_submitter' }, '诉求待提交人补充，不能请提交人补充。当前可以：提交人已补充、办结。'],
    ['resolved', { type: 'accept' }, '诉求已办结，不能受理。当前可以：关闭、重新打开。'],
    ['closed', reopen(), '诉求已关闭，不能重新打开。该诉求已结束，不能再操作。'],
    ['returned', { type: 'accept' }, '诉求已退回，不能受理。该诉求已结束，不能再操作。'],
    ['submitted', { type: 'close' }, '诉求待受理，不能关闭。当前可以：受理、转办、退回。'],
    ['reopened', { type: 'resolve' }, '诉求已重新打开，不能办结。当前可以：受理。'],
  ])('refuses %s + %o', (state, action, message) => {
    expect(transition(state, action)).toEqual({ ok: false, message });
  });

  it('a transfer needs a recipient and a reason; a return needs a reason', () => {
    expect(transition('submitted', { type: 'transfer', to: ' ', reason: '涉及食堂' })).toEqual({ ok: false, message: '转办须写明接收人和转办原因。' });
    expect(transition('submitted', { type: 'transfer', to: '后勤处', reason: '' })).toEqual({ ok: false, message: '转办须写明接收人和转办原因。' });
    expect(transition('submitted', { type: 'return', reason: '  ' })).toEqual({ ok: false, message: '退回须写明原因，提交人会看到这一说明。' });
  });

  it('reopening more than 7 days after resolution is refused', () => {
    const late: AppealAction = { type: 'reopen', resolvedAt: at('2026-03-10T10:00:00+08:00'), now: at('2026-03-17T10:00:00.001+08:00') };
    expect(transition('resolved', late)).toEqual({ ok: false, message: '办结已超过7天，不能重新打开；如问题仍未解决，请重新提交诉求。' });
  });
});

describe('canReopen (7 × 24 h)', () => {
  const resolvedAt = at('2026-03-10T10:00:00+08:00');
  it.each<[string, boolean]>([
    ['2026-03-10T10:00:00+08:00', true],
    ['2026-03-17T10:00:00+08:00', true],
    ['2026-03-17T10:00:00.001+08:00', false],
    ['2026-03-10T09:59:59+08:00', false],
  ])('now %s → %s', (now, expected) => {
    expect(canReopen(resolvedAt, at(now))).toBe(expected);
  });
});

describe('slaDeadlines', () => {
  const base = { urgency: 'normal', complexity: 'normal' } as const;

  it('normal: accept within 1 working day, resolve within 7 working days from acceptance', () => {
    expect(slaDeadlines({ ...base, submittedAt: at('2026-03-13T15:00:00+08:00'), acceptedAt: at('2026-03-16T11:00:00+08:00') })).toEqual({
      acceptBy: at('2026-03-16T15:00:00+08:00'),
      resolveBy: at('2026-03-25T11:00:00+08:00'),
    });
  });

  it('complex: 15 working days', () => {
    const d = slaDeadlines({ ...base, complexity: 'complex', submittedAt: at('2026-03-09T10:00:00+08:00'), acceptedAt: at('2026-03-09T11:00:00+08:00') });
    expect(d.resolveBy).toEqual(at('2026-03-30T11:00:00+08:00'));
  });

  it('urgent: accept within 2 working hours, nights and weekends not counted', () => {
    expect(slaDeadlines({ ...base, urgency: 'urgent', submittedAt: at('2026-03-13T17:00:00+08:00') }).acceptBy).toEqual(at('2026-03-16T10:00:00+08:00'));
    expect(slaDeadlines({ ...base, urgency: 'urgent', submittedAt: at('2026-09-30T20:00:00+08:00') }).acceptBy).toEqual(at('2026-10-08T11:00:00+08:00'));
  });

  it('across 十一 and the make-up Saturday', () => {
    expect(slaDeadlines({ ...base, submittedAt: at('2026-09-30T10:00:00+08:00'), acceptedAt: at('2026-09-30T10:00:00+08:00') })).toEqual({
      acceptBy: at('2026-10-08T10:00:00+08:00'),
      resolveBy: at('2026-10-15T10:00:00+08:00'),
    });
  });

  it('no resolve-by before acceptance', () => {
    expect(slaDeadlines({ ...base, submittedAt: at('2026-03-09T10:00:00+08:00') }).resolveBy).toBeNull();
  });

  it('waiting for the submitter pauses the resolve clock', () => {
    const d = slaDeadlines({
      ...base, submittedAt: at('2026-03-09T10:00:00+08:00'), acceptedAt: at('2026-03-09T11:00:00+08:00'),
      pauses: [{ from: at('2026-03-10T09:00:00+08:00'), to: at('2026-03-12T09:00:00+08:00') }],
    });
    expect(d.resolveBy).toEqual(at('2026-03-20T11:00:00+08:00')); // 18 Mar 11:00 + the 48 h paused
  });

  it('an open pause leaves no resolve-by until the submitter answers', () => {
    const d = slaDeadlines({
      ...base, submittedAt: at('2026-03-09T10:00:00+08:00'), acceptedAt: at('2026-03-09T11:00:00+08:00'),
      pauses: [{ from: at('2026-03-10T09:00:00+08:00') }],
    });
    expect(d.resolveBy).toBeNull();
  });

  it('takes the tenant settings object as stored', () => {
    const d = slaDeadlines({ ...base, urgency: 'urgent', submittedAt: at('2026-03-13T17:00:00+08:00'), settings: DEFAULT_SETTINGS.appealDeadlines });
    expect(d.acceptBy).toEqual(at('2026-03-16T10:00:00+08:00'));
  });

  it('tenant settings and overrides apply', () => {
    const d = slaDeadlines({
      ...base, submittedAt: at('2026-03-09T10:00:00+08:00'), acceptedAt: at('2026-03-09T10:00:00+08:00'),
      settings: { acceptWorkingDays: 2, resolveWorkingDays: 3 }, overrides: { '2026-03-10': 'off' },
    });
    expect(d).toEqual({ acceptBy: at('2026-03-12T10:00:00+08:00'), resolveBy: at('2026-03-13T10:00:00+08:00') });
  });
});

describe('overdue: secretary once, then 上级 admins once', () => {
  const deadlines: SlaDeadlines = { acceptBy: at('2026-03-10T10:00:00+08:00'), resolveBy: null };
  const check = (state: AppealState, now: string, sent: EscalationKey[] = [], d = deadlines) =>
    overdue({ state, deadlines: d, now: at(now), sent });

  it('nothing at the deadline itself', () => {
    expect(check('submitted', '2026-03-10T10:00:00+08:00')).toBeNull();
  });
  it('the secretary just after it', () => {
    expect(check('submitted', '2026-03-10T10:00:00.001+08:00')).toEqual({
      clock: 'accept', level: 'secretary', key: 'accept:secretary', deadline: deadlines.acceptBy,
    });
  });
  it('not the secretary twice', () => {
    expect(check('transferred', '2026-03-10T12:00:00+08:00', ['accept:secretary'])).toBeNull();
  });
  it('上级 admins one working day after the deadline, not before', () => {
    expect(check('submitted', '2026-03-11T10:00:00+08:00', ['accept:secretary'])).toBeNull();
    expect(check('submitted', '2026-03-11T10:00:00.001+08:00', ['accept:secretary'])?.key).toBe('accept:parent_admins');
    expect(check('submitted', '2026-03-20T10:00:00+08:00', ['accept:secretary', 'accept:parent_admins'])).toBeNull();
  });
  it('the secretary first even when both are due (a job that was down)', () => {
    expect(check('submitted', '2026-03-20T10:00:00+08:00')?.level).toBe('secretary');
  });
  it('the parent wait counts working days (Friday deadline → Monday)', () => {
    const fri = { acceptBy: at('2026-03-13T10:00:00+08:00'), resolveBy: null };
    expect(check('submitted', '2026-03-15T10:00:00+08:00', ['accept:secretary'], fri)).toBeNull();
    expect(check('submitted', '2026-03-16T10:01:00+08:00', ['accept:secretary'], fri)?.level).toBe('parent_admins');
  });
  it('the resolve clock escalates on its own keys', () => {
    const d = { acceptBy: at('2026-03-10T10:00:00+08:00'), resolveBy: at('2026-03-19T10:00:00+08:00') };
    expect(check('accepted', '2026-03-19T10:30:00+08:00', ['accept:secretary', 'accept:parent_admins'], d)?.key).toBe('resolve:secretary');
    expect(check('reopened', '2026-03-19T10:30:00+08:00', [], d)?.key).toBe('resolve:secretary');
    expect(check('accepted', '2026-03-18T10:30:00+08:00', [], d)).toBeNull();
  });
  it.each<AppealState>(['waiting_submitter', 'resolved', 'closed', 'returned'])('never while %s', (state) => {
    const d = { acceptBy: at('2026-03-10T10:00:00+08:00'), resolveBy: at('2026-03-11T10:00:00+08:00') };
    expect(check(state, '2026-04-30T10:00:00+08:00', [], d)).toBeNull();
  });
  it('no resolve escalation while the clock has no deadline (open pause)', () => {
    expect(check('accepted', '2026-04-30T10:00:00+08:00')).toBeNull();
  });
});

describe('trackingNumber', () => {
  it('pads to four digits and widens past 9999', () => {
    expect(trackingNumber(2026, 1)).toBe('SQ-2026-0001');
    expect(trackingNumber(2026, 9999)).toBe('SQ-2026-9999');
    expect(trackingNumber(2027, 12345)).toBe('SQ-2027-12345');
  });
  it.each<[number, number]>([[2026, 0], [2026, 1.5], [26, 1], [2026, -3]])('refuses (%s, %s)', (y, s) => {
    expect(() => trackingNumber(y, s)).toThrow(RangeError);
  });
});

describe('ratingValid', () => {
  it.each<[unknown, boolean]>([[1, true], [5, true], [3, true], [0, false], [6, false], [3.5, false], ['3', false], [Number.NaN, false], [undefined, false]])(
    '%s → %s', (v, expected) => {
      expect(ratingValid(v)).toBe(expected);
    },
  );
});

describe('recurringWords', () => {
  const texts = [
    '食堂饭菜太咸了，希望改善。',
    '三号楼食堂饭菜价格上涨。',
    '食堂饭菜分量少，班车经常晚点。',
    '班车晚点，希望增加班次。',
    '宿舍热水不稳定。',
  ];

  it('finds the recurring terms, longest form, most frequent first', () => {
    expect(recurringWords(texts)).toEqual([
      { term: '食堂饭菜', count: 3 },
      { term: '晚点', count: 2 },
      { term: '班车', count: 2 },
    ]);
  });

  it('keeps a shorter term that recurs more often on its own', () => {
    expect(recurringWords([...texts, '食堂卫生差'])).toEqual([
      { term: '食堂', count: 4 },
      { term: '食堂饭菜', count: 3 },
      { term: '晚点', count: 2 },
      { term: '班车', count: 2 },
    ]);
  });

  it('counts an appeal once however often it repeats a word; skips stop words and particles', () => {
    expect(recurringWords(['加班加班加班', '希望希望', '希望解决问题'])).toEqual([]);
    expect(recurringWords(['加班费', '加班费没有发'])).toEqual([{ term: '加班费', count: 2 }]);
  });

  it('honours limit and minCount, ignores non-Chinese text', () => {
    expect(recurringWords(texts, { limit: 1 })).toEqual([{ term: '食堂饭菜', count: 3 }]);
    expect(recurringWords(['WiFi 太慢', 'wifi太慢'], { minCount: 2 })).toEqual([{ term: '太慢', count: 2 }]);
    expect(recurringWords(['宿舍热水'], { minCount: 1 })[0]).toEqual({ term: '宿舍热水', count: 1 });
  });
});

import { describe, expect, it } from 'vitest';
import { deadlines } from '../../src/domain/development.ts';
import { detailsText, nextSteps, obligations, stepLabel } from '../../src/development/format.ts';
import { parseMonths, parseTraining, splitList } from '../../src/development/options.ts';
import { planReminders } from '../../src/development/reminders.ts';
import type { PersonSteps, StepRow } from '../../src/development/store.ts';
import type { MemberRow } from '../../src/org/members.ts';

describe('option values', () => {
  it.each([['3天', { trainingDays: 3 }], ['3 日', { trainingDays: 3 }], ['24学时', { trainingHours: 24 }], ['23.5小时', { trainingHours: 23.5 }],
    ['32课时', { trainingHours: 32 }]])('培训:%s', (text, value) => {
    expect(parseTraining(text)).toEqual(value);
  });
  it.each(['三天', '3', '3周', ''])('培训:%j is refused with the right form', (text) => {
    expect(() => parseTraining(text)).toThrow('例如 培训:3天 或 培训:24学时');
  });
  it.each([['6个月', 6], ['6月', 6], ['12', 12], ['半年', 6], ['一年', 12], ['十个月', 10], ['十二个月', 12]])('延长:%s → %i', (text, n) => {
    expect(parseMonths(text)).toBe(n);
  });
  it('延长 without a number of months is refused', () => {
    expect(() => parseMonths('很久')).toThrow('“延长”应写明月数，例如 延长:6个月');
  });
  it('lists split on any Chinese or ASCII separator', () => {
    expect(splitList('张三,李四')).toEqual(['张三', '李四']);
    expect(splitList('张三，李四、 王五;;')).toEqual(['张三', '李四', '王五']);
  });
});

describe('formatting', () => {
  it('labels steps with circled numbers', () => {
    expect(stepLabel(1)).toBe('①递交入党申请书');
    expect(stepLabel(25)).toBe('㉕材料归档');
  });
  it('describes the facts a step carried', () => {
    expect(detailsText({ introducers: [{ id: 1, name: '张三' }, { id: 2, name: '李四' }], vote: { eligible: 9, present: 7, inFavour: 6 } }))
      .toBe('介绍人：张三、李四；表决：应到9人，实到7人，赞成6人');
    expect(detailsText({ trainingHours: 24, extensionMonths: 6 })).toBe('培训：24学时；延长预备期6个月');
    expect(detailsText({})).toBe('');
  });
  it('next steps follow the dependencies; ㉓ again only after an extension', () => {
    expect(nextSteps([])).toEqual([1]);
    expect(nextSteps([{ step: 1, date: '2026-01-01' }, { step: 2, date: '2026-01-02' }, { step: 3, date: '2026-02-01' }])).toEqual([4, 5]);
    const to22 = Array.from({ length: 22 }, (_, i) => ({ step: i + 1, date: '2026-01-01' }));
    expect(nextSteps([...to22, { step: 23, date: '2027-01-01', extensionMonths: 6 }])).toEqual([23]);
    expect(nextSteps([...to22, { step: 23, date: '2027-01-01' }])).toEqual([24]);
  });
});

describe('obligations shown in the timeline and ledger', () => {
  const list = deadlines([{ step: 1, date: '2026-01-31' }]);
  it('an upcoming limit by its date, then the warning, then the overdue notice', () => {
    expect(obligations(list, '2026-02-20')).toEqual([{ date: '2026-02-28', level: 'upcoming', text: '2026-02-28　派人谈话' }]);
    expect(obligations(list, '2026-02-28')).toEqual([{ date: '2026-02-28', level: 'warning', text: '入党申请书于2026-01-31递交，请于2026-02-28前派人谈话。' }]);
    expect(obligations(list, '2026-03-01')).toEqual([{ date: '2026-02-28', level: 'overdue', text: '入党申请书于2026-01-31递交，已超过一个月仍未派人谈话。' }]);
  });
});

describe('planReminders', () => {
  const member = (id: number, branchId: number | null) => ({ id, name: `成员${id}`, status: '入党申请人', branchId, employeeNo: null }) as MemberRow;
  const step1 = (memberId: number): StepRow => ({ id: memberId, tenantId: 1, memberId, step: 1, date: '2026-01-31', doneBy: null,
    documents: [], details: {}, note: null, recordedBy: null, recordedByName: '测试', recordedAt: new Date() });
  const people: PersonSteps[] = [{ member: member(1, 10), steps: [step1(1)] }, { member: member(2, null), steps: [step1(2)] }];

  it('plans what is due today, with a key stable for the person and obligation; skips people without a branch', () => {
    const planned = planReminders(people, {}, '2026-02-21', 0);
    expect(planned.map((p) => [p.key, p.branchId])).toEqual([['development:1:talk:2026-02-28:soon', 10]]);
    expect(planned[0]!.reply).toMatchObject({ title: '发展党员时间节点临近 · 成员1', tone: 'warning', buttons: [{ command: '发展 成员1' }] });
    expect(planReminders(people, {}, '2026-02-22', 0)).toEqual([]);
  });

  it('catches up the days a stopped job missed', () => {
    expect(planReminders(people, {}, '2026-03-03', 7).map((p) => p.key)).toEqual(['development:1:talk:2026-02-28:overdue']);
    expect(planReminders(people, {}, '2026-03-03', 10).map((p) => p.key)).toEqual(['development:1:talk:2026-02-28:soon', 'development:1:talk:2026-02-28:overdue']);
    expect(planReminders(people, {}, '2026-03-03', 1).map((p) => p.key)).toEqual([]);
  });
});

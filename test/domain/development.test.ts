import { describe, expect, it } from 'vitest';
import {
  STEPS, deadlines, dueReminders, findStep, probationEnd, statusAfter, validateStep,
  type Deadline, type StepFacts, type StepRecord,
} from '../../src/domain/development.ts';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';

const XIZE = (art: string) => `《中国共产党发展党员工作细则》第${art}条`;

/** A complete, lawful path through the 25 steps. */
const DATES: Record<number, string> = {
  1: '2024-03-01', 2: '2024-03-20', 3: '2024-09-10', 4: '2024-09-20', 5: '2024-09-20', 6: '2025-03-05',
  7: '2025-09-10', 8: '2025-09-15', 9: '2025-09-15', 10: '2025-10-20', 11: '2025-11-10', 12: '2025-12-01',
  13: '2025-12-10', 14: '2025-12-20', 15: '2026-01-31', 16: '2026-02-10', 17: '2026-03-15', 18: '2026-03-20',
  19: '2026-03-20', 20: '2026-04-01', 21: '2026-06-01', 22: '2027-01-05', 23: '2027-01-31', 24: '2027-03-01',
  25: '2027-03-10',
};
const upTo = (n: number, over: Record<number, string> = {}): StepRecord[] =>
  Array.from({ length: n }, (_, i) => ({ step: i + 1, date: over[i + 1] ?? DATES[i + 1]! }));

const VOTE = { eligible: 10, present: 8, inFavour: 7 };
const FACTS: StepFacts = {
  birthDate: '2000-05-01',
  introducers: [{ memberId: 11, status: '正式党员' }, { memberId: 12, status: '正式党员' }],
  trainingDays: 3,
  vote: VOTE,
};
const ok = { ok: true };
const refused = (rule: string, message: string) => ({ ok: false, rule, message });

describe('the 25 steps', () => {
  it('are numbered 1–25 in five stages, each depending only on earlier steps', () => {
    expect(STEPS.map((s) => s.no)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(STEPS.map((s) => s.stage)).toEqual([1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5]);
    for (const s of STEPS) expect(s.dependsOn.every((d) => d < s.no)).toBe(true);
  });

  it('move the person through the statuses at ①③⑦⑰㉔', () => {
    expect(STEPS.filter((s) => s.movesTo).map((s) => [s.no, s.movesTo])).toEqual([
      [1, '入党申请人'], [3, '入党积极分子'], [7, '发展对象'], [17, '预备党员'], [24, '正式党员'],
    ]);
    expect(statusAfter([])).toBe('群众');
    expect(statusAfter(upTo(16))).toBe('发展对象');
    expect(statusAfter(upTo(17))).toBe('预备党员');
    expect(statusAfter(upTo(25))).toBe('正式党员');
  });

  it('have names and aliases that name exactly one step', () => {
    const all = STEPS.flatMap((s) => [s.name, ...s.aliases]);
    expect(new Set(all).size).toBe(all.length);
  });

  it.each<[string, number | undefined]>([
    ['递交申请书', 1], ['递交入党申请书', 1], ['谈话', 2], ['确定积极分子', 3], ['政审', 10], ['集中培训', 11],
    ['支部大会', 15], ['审批', 17], ['入党宣誓', 20], ['宣誓', 20], ['转正申请', 22], ['转正', 23], ['转正审批', 24],
    ['15', 15], ['第15步', 15], [' 第 3 步 ', 3], ['⑮', 15], ['㉓', 23], ['①', 1], ['㉕', 25],
    ['26', undefined], ['0', undefined], ['入党', undefined], ['', undefined],
  ])('findStep(%j) → %s', (text, no) => {
    expect(findStep(text)?.no).toBe(no);
  });

  it('a lawful history passes every step', () => {
    for (let n = 1; n <= 25; n++) expect(validateStep(upTo(n - 1), { step: n, date: DATES[n]! }, FACTS)).toEqual(ok);
  });
});

describe('validateStep refusals', () => {
  it('an unknown step or a bad date', () => {
    expect(validateStep([], { step: 26, date: '2026-01-01' })).toEqual(refused('《中国共产党发展党员工作细则》', '没有第26步：发展党员共25个步骤。'));
    expect(validateStep([], { step: 1.5, date: '2026-01-01' })).toMatchObject({ ok: false });
    expect(validateStep([], { step: 1, date: '2026-02-30' }, FACTS)).toEqual(
      refused('《中国共产党发展党员工作细则》', '日期「2026-02-30」无效，请写成 2026-03-15 的形式。'));
  });

  it('a step recorded twice, except the ongoing ones', () => {
    expect(validateStep(upTo(2), { step: 2, date: '2024-04-01' })).toEqual(
      refused('《中国共产党发展党员工作细则》', '第2步「党组织派人谈话」已于2024-03-20记录，不能重复记录。'));
    expect(validateStep(upTo(6), { step: 6, date: '2025-09-01' })).toEqual(ok);
    expect(validateStep(upTo(21), { step: 21, date: '2026-09-01' })).toEqual(ok);
  });

  it('a step before the ones it depends on', () => {
    expect(validateStep(upTo(1), { step: 3, date: '2024-09-10' })).toEqual(refused('《中国共产党发展党员工作细则》',
      '须先完成第2步「党组织派人谈话」，才能进行第3步「推荐和确定入党积极分子」。'));
    const noReview = upTo(11).filter((r) => r.step !== 10);
    expect(validateStep(noReview, { step: 12, date: '2025-12-01' })).toMatchObject({ ok: false, message: expect.stringContaining('第10步「进行政治审查」') });
    expect(validateStep(upTo(1), { step: 2, date: '2024-02-28' })).toEqual(refused('《中国共产党发展党员工作细则》',
      '第2步「党组织派人谈话」的日期（2024-02-28）不能早于第1步「递交入党申请书」的日期（2024-03-01）。'));
  });

  it('a repeated dependency is met by its first record', () => {
    const history = [...upTo(6), { step: 6, date: '2025-12-01' }];
    expect(validateStep(history, { step: 7, date: '2025-09-10' })).toEqual(ok);
  });

  describe('年满十八岁 (细则 Art.5)', () => {
    const apply = (birthDate: string, date: string) => validateStep([], { step: 1, date }, { birthDate });
    it('exact birthday edge', () => {
      expect(apply('2008-03-15', '2026-03-14')).toEqual(refused(XIZE('五'), '申请入党须年满十八岁：申请人出生于2008-03-15，2026-03-15起方可递交入党申请书。'));
      expect(apply('2008-03-15', '2026-03-15')).toEqual(ok);
    });
    it('born on 29 February: the 18th birthday is 28 February in a common year, 29 February in a leap year', () => {
      expect(apply('2008-02-29', '2026-02-27')).toMatchObject({ ok: false, rule: XIZE('五') });
      expect(apply('2008-02-29', '2026-02-28')).toEqual(ok);
      expect(apply('2010-02-28', '2028-02-27')).toMatchObject({ ok: false });
      expect(apply('2010-02-28', '2028-02-28')).toEqual(ok);
      expect(apply('2012-02-29', '2030-02-28')).toEqual(ok);
    });
    it('needs the birth date', () => {
      expect(validateStep([], { step: 1, date: '2026-03-01' })).toEqual(refused(XIZE('五'), '请提供申请人的出生日期（如 2008-03-15），以核对是否年满十八岁。'));
      expect(apply('2008-13-01', '2026-03-01')).toMatchObject({ ok: false, rule: XIZE('五') });
    });
  });

  describe('一年以上培养教育和考察 (细则 Art.13)', () => {
    it('the anniversary is the first day allowed', () => {
      expect(validateStep(upTo(6), { step: 7, date: '2025-09-09' })).toEqual(refused(XIZE('十三'), '入党积极分子须经过一年以上培养教育和考察，最早于2025-09-10列为发展对象。'));
      expect(validateStep(upTo(6), { step: 7, date: '2025-09-10' })).toEqual(ok);
    });
    it('from a leap day', () => {
      const h = upTo(6, { 1: '2027-10-01', 2: '2027-10-20', 3: '2028-02-29', 4: '2028-03-05', 5: '2028-03-05', 6: '2028-08-01' });
      expect(validateStep(h, { step: 7, date: '2029-02-27' })).toMatchObject({ ok: false, message: expect.stringContaining('2029-02-28') });
      expect(validateStep(h, { step: 7, date: '2029-02-28' })).toEqual(ok);
    });
  });

  describe('两名正式党员作入党介绍人 (党章 Art.5)', () => {
    const rule = '《中国共产党章程》第五条';
    const check = (introducers: StepFacts['introducers']) => validateStep(upTo(8), { step: 9, date: DATES[9]! }, { introducers });
    it.each<[string, StepFacts['introducers'], string]>([
      ['none', undefined, '发展对象应当有两名正式党员作入党介绍人，现为0名。'],
      ['one', [{ memberId: 1, status: '正式党员' }], '发展对象应当有两名正式党员作入党介绍人，现为1名。'],
      ['three', [{ memberId: 1, status: '正式党员' }, { memberId: 2, status: '正式党员' }, { memberId: 3, status: '正式党员' }],
        '发展对象应当有两名正式党员作入党介绍人，现为3名。'],
      ['the same person twice', [{ memberId: 1, status: '正式党员' }, { memberId: '1', status: '正式党员' }], '两名入党介绍人不能是同一人。'],
      ['a 预备党员', [{ memberId: 1, status: '正式党员' }, { memberId: 2, status: '预备党员' }], '入党介绍人须为正式党员，其中一人为预备党员。'],
    ])('refuses %s', (_name, introducers, message) => {
      expect(check(introducers)).toEqual(refused(rule, message));
    });
  });

  describe('集中培训不少于三天或二十四学时 (细则 Art.17)', () => {
    const train = (f: StepFacts) => validateStep(upTo(10), { step: 11, date: DATES[11]! }, f);
    it.each<[StepFacts, boolean]>([
      [{ trainingDays: 3 }, true], [{ trainingHours: 24 }, true], [{ trainingDays: 2, trainingHours: 24 }, true],
      [{ trainingDays: 2 }, false], [{ trainingHours: 23.5 }, false],
    ])('%o → %s', (f, pass) => {
      expect(train(f).ok).toBe(pass);
    });
    it('names the shortfall or asks for the figures', () => {
      expect(train({ trainingDays: 2 })).toEqual(refused(XIZE('十七'), '集中培训一般不少于三天（或不少于二十四个学时），本次为2天。'));
      expect(train({ trainingHours: 16 })).toEqual(refused(XIZE('十七'), '集中培训一般不少于三天（或不少于二十四个学时），本次为16学时。'));
      expect(train({})).toEqual(refused(XIZE('十七'), '请提供集中培训的天数或学时。'));
    });
  });

  describe('支部大会表决 (细则 Art.20–21; 预备党员 do not vote)', () => {
    const vote = (v: StepFacts['vote']) => validateStep(upTo(14), { step: 15, date: DATES[15]! }, { vote: v });
    it('quorum: more than half of the eligible present', () => {
      expect(vote({ eligible: 10, present: 5, inFavour: 5 })).toEqual(refused(XIZE('二十'),
        '有表决权的到会人数必须超过应到会有表决权人数的半数（预备党员没有表决权）：应到10人，实到5人，会议不能表决。'));
      expect(vote({ eligible: 9, present: 5, inFavour: 5 })).toEqual(ok);
    });
    it('passing: in favour more than half of the eligible, not of those present', () => {
      expect(vote({ eligible: 10, present: 6, inFavour: 5 })).toEqual(refused(XIZE('二十一'),
        '赞成人数须超过应到会有表决权的正式党员的半数：应到10人，赞成5人，决议未通过。'));
      expect(vote({ eligible: 10, present: 6, inFavour: 6 })).toEqual(ok);
    });
    it('written opinions of absent members count among those in favour', () => {
      expect(vote({ eligible: 10, present: 6, inFavour: 8 })).toEqual(ok);
    });
    it.each<StepFacts['vote']>([
      { eligible: 10, present: 11, inFavour: 6 }, { eligible: 10, present: 8, inFavour: 11 },
      { eligible: 0, present: 0, inFavour: 0 }, { eligible: 10, present: 7.5, inFavour: 6 }, { eligible: 10, present: -1, inFavour: 6 },
    ])('refuses impossible figures %o', (v) => {
      expect(vote(v)).toEqual(refused(XIZE('二十一'), '表决人数有误：实到人数和赞成人数都不能超过应到会有表决权的正式党员人数。'));
    });
    it('needs the figures', () => {
      expect(vote(undefined)).toMatchObject({ ok: false, message: expect.stringContaining('请提供表决情况') });
    });
  });

  describe('预备期一年, 延长一次 6–12 个月 (细则 Art.32)', () => {
    const meeting = (h: StepRecord[], date: string, f: StepFacts = { vote: VOTE }) => validateStep(h, { step: 23, date }, f);
    it('转正 only from the end of the 预备期 (2026-01-31 + 1 year)', () => {
      expect(meeting(upTo(22), '2027-01-30')).toEqual(refused(XIZE('三十二'), '预备期从支部大会通过之日算起，至2027-01-31期满，期满后方可讨论转正。'));
      expect(meeting(upTo(22), '2027-01-31')).toEqual(ok);
    });
    it('from a leap-day 支部大会 the 预备期 ends on 28 February', () => {
      const h = upTo(22, { 15: '2028-02-29', 16: '2028-03-05', 17: '2028-04-01', 18: '2028-04-02', 19: '2028-04-02', 20: '2028-04-02', 21: '2028-06-01', 22: '2029-01-20' });
      expect(probationEnd(h)).toBe('2029-02-28');
      expect(meeting(h, '2029-02-27')).toMatchObject({ ok: false, rule: XIZE('三十二') });
      expect(meeting(h, '2029-02-28')).toEqual(ok);
    });
    it('the 转正 meeting follows the same vote rules (细则 Art.33)', () => {
      expect(meeting(upTo(22), '2027-02-01', { vote: { eligible: 10, present: 8, inFavour: 5 } })).toMatchObject({ ok: false, rule: XIZE('二十一') });
      expect(meeting(upTo(22), '2027-02-01', {})).toMatchObject({ ok: false, rule: XIZE('三十三') });
    });
    it.each<[number, boolean]>([[5, false], [6, true], [12, true], [13, false], [7.5, false]])('extension of %i months → %s', (m, pass) => {
      expect(meeting(upTo(22), '2027-02-01', { vote: VOTE, extensionMonths: m }).ok).toBe(pass);
    });
    it('an extension names the range', () => {
      expect(meeting(upTo(22), '2027-02-01', { vote: VOTE, extensionMonths: 13 })).toEqual(refused(XIZE('三十二'), '延长预备期不能少于半年，最长不超过一年（6至12个月），现为13个月。'));
    });
    const extended = [...upTo(22), { step: 23, date: '2027-02-01', extensionMonths: 6 }];
    it('after an extension: no approval of 转正, and the next meeting waits for the extended end', () => {
      expect(probationEnd(extended)).toBe('2027-07-31');
      expect(validateStep(extended, { step: 24, date: '2027-03-01' })).toEqual(refused(XIZE('三十二'), '支部大会已决定延长预备期6个月，期满后须再次召开支部大会讨论转正。'));
      expect(meeting(extended, '2027-07-30')).toMatchObject({ ok: false, message: expect.stringContaining('至2027-07-31期满') });
      expect(meeting(extended, '2027-07-31')).toEqual(ok);
    });
    it('only once', () => {
      expect(meeting(extended, '2027-08-01', { vote: VOTE, extensionMonths: 6 })).toEqual(refused(XIZE('三十二'), '预备期只能延长一次。'));
    });
    it('no further meeting once 转正 is decided', () => {
      expect(meeting(upTo(23), '2027-03-01')).toMatchObject({ ok: false, message: expect.stringContaining('不能重复记录') });
      const done = [...extended, { step: 23, date: '2027-08-01' }];
      expect(validateStep(done, { step: 24, date: '2027-09-01' })).toEqual(ok);
      expect(meeting(done, '2027-09-01')).toMatchObject({ ok: false });
    });
  });
});

describe('deadlines and dueReminders', () => {
  const keys = (list: Deadline[], day: string) => dueReminders(list, day).map((d) => d.key);
  const ofKind = (list: Deadline[], kind: Deadline['kind']) => list.filter((d) => d.kind === kind);

  it('talk within one month of the application (细则 Art.7), month end', () => {
    const list = deadlines([{ step: 1, date: '2026-01-31' }]);
    expect(list.map((d) => [d.key, d.date, d.remindOn, d.level, d.rule])).toEqual([
      ['talk:2026-02-28:soon', '2026-02-28', '2026-02-21', 'warning', XIZE('七')],
      ['talk:2026-02-28:overdue', '2026-02-28', '2026-03-01', 'overdue', XIZE('七')],
    ]);
    expect(list[0]!.message).toBe('入党申请书于2026-01-31递交，请于2026-02-28前派人谈话。');
    expect(keys(list, '2026-02-20')).toEqual([]);
    expect(keys(list, '2026-02-21')).toEqual(['talk:2026-02-28:soon']);
    expect(keys(list, '2026-02-28')).toEqual([]);
    expect(keys(list, '2026-03-01')).toEqual(['talk:2026-02-28:overdue']);
    expect(deadlines(upTo(2))).toEqual([]);
  });

  it('a review of each 积极分子 every six months (Art.11), counted from the last review', () => {
    const h = upTo(3, { 3: '2026-03-31' });
    expect(ofKind(deadlines(h), 'activist_review').map((d) => [d.date, d.remindOn])).toEqual([['2026-09-30', '2026-09-23'], ['2026-09-30', '2026-10-01']]);
    const reviewed = [...upTo(5, { 3: '2026-03-31', 4: '2026-04-01', 5: '2026-04-01' }), { step: 6, date: '2026-08-31' }];
    expect(ofKind(deadlines(reviewed), 'activist_review')[1]).toMatchObject({ date: '2027-02-28', remindOn: '2027-03-01', level: 'overdue' });
    expect(ofKind(deadlines(upTo(7)), 'activist_review')).toEqual([]);
  });

  it('the day a 积极分子 may become 发展对象 (Art.13), from a leap day', () => {
    const list = deadlines(upTo(3, { 3: '2028-02-29' }));
    const eligible = ofKind(list, 'candidate_eligible');
    expect(eligible).toEqual([expect.objectContaining({ key: 'candidate-eligible:2029-02-28', date: '2029-02-28', remindOn: '2029-02-28', level: 'info' })]);
    expect(keys(list, '2029-02-28')).toEqual(['candidate-eligible:2029-02-28']);
  });

  it('上级党委 approval: warning after 3 months, overdue after 6 (Art.25)', () => {
    const list = ofKind(deadlines(upTo(16)), 'approval');
    expect(list.map((d) => [d.key, d.remindOn, d.level])).toEqual([
      ['approval:3m:2026-04-30', '2026-05-01', 'warning'],
      ['approval:6m:2026-07-31', '2026-08-01', 'overdue'],
    ]);
    expect(list[1]!.message).toBe('支部大会于2026-01-31通过接收预备党员，上级党委已超过六个月的最长期限未审批。');
    expect(keys(deadlines(upTo(16)), '2026-04-30')).toEqual([]);
    expect(ofKind(deadlines(upTo(17)), 'approval')).toEqual([]);
  });

  it('预备期: 30 days before its end, and overdue the day after without a decision', () => {
    const list = ofKind(deadlines(upTo(22)), 'probation');
    expect(list.map((d) => [d.key, d.remindOn, d.level])).toEqual([
      ['probation-ending:2027-01-31', '2027-01-01', 'warning'],
      ['probation-overdue:2027-01-31', '2027-02-01', 'overdue'],
    ]);
    expect(keys(deadlines(upTo(22)), '2027-01-01')).toEqual(['probation-ending:2027-01-31']);
    const leap = upTo(16, { 15: '2028-02-29', 16: '2028-03-05' });
    expect(ofKind(deadlines(leap), 'probation').map((d) => d.remindOn)).toEqual(['2029-01-29', '2029-03-01']);
  });

  it('预备期 extended: new dates and new keys; none once 转正 is decided', () => {
    const extended = [...upTo(22), { step: 23, date: '2027-02-01', extensionMonths: 6 }];
    expect(ofKind(deadlines(extended), 'probation').map((d) => [d.key, d.remindOn])).toEqual([
      ['probation-ending:2027-07-31', '2027-07-01'], ['probation-overdue:2027-07-31', '2027-08-01'],
    ]);
    expect(deadlines(upTo(23))).toEqual([]);
  });

  it('公示 for the local number of working days (off unless set), across 十一', () => {
    const h = upTo(7, { 7: '2026-09-30' });
    expect(ofKind(deadlines(h), 'public_notice')).toEqual([]);
    const notice = ofKind(deadlines(h, { publicNoticeWorkingDays: 5 }), 'public_notice');
    expect(notice).toEqual([expect.objectContaining({ key: 'public-notice:7:2026-10-12', date: '2026-10-12', remindOn: '2026-10-13', level: 'info' })]);
    expect(notice[0]!.rule).toBe('本单位规定（公示不少于5个工作日）');
    expect(ofKind(deadlines(upTo(8, { 7: '2026-09-30', 8: '2026-10-14' }), { publicNoticeWorkingDays: 5 }), 'public_notice')).toEqual([]);
  });

  it('思想汇报 by the local cadence, from the last report (off unless set)', () => {
    const h = upTo(3, { 3: '2026-01-31' });
    expect(ofKind(deadlines(h), 'thought_report')).toEqual([]);
    const q = ofKind(deadlines(h, { thoughtReportCadence: 'quarter' }, ['2026-05-31']), 'thought_report');
    expect(q.map((d) => [d.key, d.remindOn])).toEqual([['thought-report:2026-08-31:soon', '2026-08-24'], ['thought-report:2026-08-31:overdue', '2026-09-01']]);
    const m = ofKind(deadlines(h, { thoughtReportCadence: 'month' }), 'thought_report');
    expect(m[0]!.date).toBe('2026-02-28');
    expect(ofKind(deadlines(upTo(24), { thoughtReportCadence: 'quarter' }), 'thought_report')).toEqual([]);
  });

  it('takes the tenant settings object as stored (公示 5 working days, quarterly 思想汇报)', () => {
    const kinds = deadlines(upTo(7, { 7: '2026-09-30' }), DEFAULT_SETTINGS.development).map((d) => d.kind);
    expect(kinds).toContain('public_notice');
    expect(kinds).toContain('thought_report');
  });

  it('lead days are a setting; keys are unique', () => {
    const list = deadlines([{ step: 1, date: '2026-01-31' }], { leadDays: 3 });
    expect(list[0]!.remindOn).toBe('2026-02-25');
    const all = deadlines(upTo(16, { 7: '2026-09-30' }), { publicNoticeWorkingDays: 5, thoughtReportCadence: 'quarter' });
    expect(new Set(all.map((d) => d.key)).size).toBe(all.length);
  });

  it('dueReminders can catch up days a stopped job missed', () => {
    const list = deadlines([{ step: 1, date: '2026-01-31' }]);
    expect(dueReminders(list, '2026-03-03').map((d) => d.key)).toEqual([]);
    expect(dueReminders(list, '2026-03-03', 2).map((d) => d.key)).toEqual(['talk:2026-02-28:overdue']);
  });
});

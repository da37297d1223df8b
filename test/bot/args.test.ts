import { describe, expect, expectTypeOf, it } from 'vitest';
import { arg, option, parseArgs, parseMoney, type Arg, type Mention } from '../../src/bot/args.ts';
import { normalize } from '../../src/bot/normalize.ts';
import { tokenize } from '../../src/bot/tokenize.ts';

const env = { now: new Date('2026-12-02T02:00:00Z'), tz: 'Asia/Shanghai' };
const tok = (line: string) => tokenize(normalize(line));

/** Parses one positional arg declared as `a` from `line`. */
function one(a: Arg<unknown>, line: string) {
  const r = parseArgs({ args: { v: a } }, tok(line), env);
  return r.ok ? { ok: true as const, value: r.args.v } : r;
}

describe('parseMoney (元 → fen)', () => {
  it.each([
    ['6500', 650000],
    ['6,500', 650000],
    ['6500元', 650000],
    ['¥6500.5', 650050],
    ['￥6,500.55', 650055],
    ['6500.00元', 650000],
    ['0', 0],
    ['0.01', 1],
    ['10000000', 1_000_000_000],
    ['007', 700],
  ])('%s → %i fen', (s, fen) => {
    expect(parseMoney(s)).toEqual({ ok: true, value: fen });
  });

  it.each([
    ['-5', '不能为负数'],
    ['¥-5', '不能为负数'],
    ['6500.555', '最多精确到分（两位小数）'],
    ['10000000.01', '超出合理范围（不超过 10,000,000 元）'],
    ['99999999999999999999', '超出合理范围（不超过 10,000,000 元）'],
    ['abc', undefined],
    ['65,00', undefined],
    ['6500.', undefined],
    ['.5', undefined],
    ['', undefined],
    ['1e5', undefined],
  ])('%s refused (%s)', (s, error) => {
    expect(parseMoney(s)).toEqual({ ok: false, error });
  });
});

describe('each kind', () => {
  it.each([
    [arg.text('姓名'), '张三', '张三'],
    [arg.text('主题'), '“研究 发展党员”', '研究 发展党员'],
    [arg.rest('诉求内容'), '食堂 饭菜 太贵', '食堂 饭菜 太贵'],
    [arg.int('人数', { min: 1, max: 100 }), '12', 12],
    [arg.int('人数'), '-3', -3],
    [arg.money('月收入（税后，元）'), '6,500.5元', 650050],
    [arg.date('日期'), '12月5日', '2026-12-05'],
    [arg.date('日期'), '2026/12/20', '2026-12-20'],
    [arg.datetime('会议时间'), '2026-11-20 15:00', new Date('2026-11-20T07:00:00Z')],
    [arg.datetime('会议时间'), '下周三下午3点', new Date('2026-12-09T07:00:00Z')],
    [arg.datetime('会议时间'), '下周三 下午3点', new Date('2026-12-09T07:00:00Z')],
    [arg.datetime('截止', { dateOnly: 'start' }), '12月5日', new Date('2026-12-04T16:00:00Z')],
    [arg.month('月份'), '上月', '2026-11'],
    [arg.month('月份'), '2026年3月', '2026-03'],
    [arg.quarter('季度'), '四季度', '2026-Q4'],
    [arg.year('年度'), '去年', 2025],
    [arg.mention('谈话对象'), '@张三', { name: '张三', index: 0 }],
  ])('%#', (a, line, expected) => {
    expect(one(a, line)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [arg.text('姓名'), '“”', '“姓名”不能为空'],
    [arg.text('姓名', { max: 4 }), '欧阳诸葛司马', '“姓名”不能超过 4 个字'],
    [arg.int('人数', { min: 1, max: 100 }), '0', '“人数”应为介于 1 和 100 之间的整数，您输入的是“0”'],
    [arg.int('人数', { min: 1 }), '1.5', '“人数”应为不小于 1 的整数，您输入的是“1.5”'],
    [arg.money('月收入（税后，元）'), 'abc', '“月收入（税后，元）”应为金额，例如 6500，您输入的是“abc”'],
    [arg.money('月收入（税后，元）'), '-6500', '“月收入（税后，元）”不能为负数'],
    [arg.date('日期'), '2月30日', '“日期”应为日期，例如 2026-12-05 或 12月5日，您输入的是“2月30日”'],
    [arg.date('日期'), '2026-13-01', '“日期”应为日期，例如 2026-12-05 或 12月5日，您输入的是“2026-13-01”'],
    [arg.datetime('会议时间'), '明天', '“会议时间”还需要具体时间，例如“明天 下午3点”'],
    [arg.datetime('会议时间'), '随便', '“会议时间”应为日期和时间，例如 2026-12-20 09:30 或 下周三下午3点，您输入的是“随便”'],
    [arg.month('月份'), '13月', '“月份”应为月份，例如 2026-11 或 本月，您输入的是“13月”'],
    [arg.year('年度'), '26', '“年度”应为年份，例如 2026，您输入的是“26”'],
    [arg.mention('谈话对象'), '张三', '“谈话对象”应为在消息里 @ 的人，例如 @张三，您输入的是“张三”'],
    [arg.mention('谈话对象'), '“@张三”', '“谈话对象”应为在消息里 @ 的人，例如 @张三，您输入的是“@张三”'],
  ])('%# refused', (a, line, error) => {
    expect(one(a, line)).toEqual({ ok: false, error });
  });

  it('choice: values, ASCII case, aliases', () => {
    const reply = arg.choice('回复', ['参加', '请假', 'OK'] as const, { 去: '参加' });
    expectTypeOf(reply.parse).returns.toEqualTypeOf<{ ok: true; value: '参加' | '请假' | 'OK' } | { ok: false; error?: string }>();
    const at = { ...env };
    expect(reply.parse('请假', at)).toEqual({ ok: true, value: '请假' });
    expect(reply.parse('ok', at)).toEqual({ ok: true, value: 'OK' });
    expect(reply.parse('去', at)).toEqual({ ok: true, value: '参加' });
    const r = parseArgs({ args: { reply } }, tok('不去'), env);
    expect(r).toEqual({ ok: false, error: '“回复”应为以下之一：参加、请假、OK，您输入的是“不去”' });
  });

  it('mention index counts mentions, not words', () => {
    const spec = { args: { a: arg.mention('甲'), b: arg.mention('乙'), note: arg.rest('备注').optional() } };
    const r = parseArgs(spec, tok('@张三 @李四 一起 谈'), env);
    expect(r.ok && r.args).toEqual({ a: { name: '张三', index: 0 }, b: { name: '李四', index: 1 }, note: '一起 谈' });
    if (r.ok) expectTypeOf(r.args.a).toEqualTypeOf<Mention>();
  });
});

describe('parseArgs', () => {
  const spec = {
    args: {
      when: arg.datetime('会议时间'),
      kind: arg.choice('会议类型', ['支委会', '党员大会', '党小组会', '党课'] as const),
      minutes: arg.rest('内容').optional(),
    },
    options: {
      topic: option(['主题', 'topic'], arg.text('会议主题')),
      absent: option('缺席', arg.text('缺席人员').optional()),
      count: option(['人数'], arg.int('到会人数', { min: 0 }).default(0)),
    },
  };

  it('consumes positionals in order, datetime greedily, options by key or alias', () => {
    const r = parseArgs(spec, tok('2026-11-20 15:00 支委会 讨论 发展 对象 topic:“研究发展党员工作” 缺席:李四(出差),王五(病假)'), env);
    expect(r).toEqual({
      ok: true,
      args: { when: new Date('2026-11-20T07:00:00Z'), kind: '支委会', minutes: '讨论 发展 对象' },
      options: { topic: '研究发展党员工作', absent: '李四(出差),王五(病假)', count: 0 },
      value: {
        when: new Date('2026-11-20T07:00:00Z'), kind: '支委会', minutes: '讨论 发展 对象',
        topic: '研究发展党员工作', absent: '李四(出差),王五(病假)', count: 0,
      },
    });
    if (r.ok) {
      expectTypeOf(r.args.when).toEqualTypeOf<Date>();
      expectTypeOf(r.args.kind).toEqualTypeOf<'支委会' | '党员大会' | '党小组会' | '党课'>();
      expectTypeOf(r.args.minutes).toEqualTypeOf<string | undefined>();
      expectTypeOf(r.options.topic).toEqualTypeOf<string>();
      expectTypeOf(r.options.absent).toEqualTypeOf<string | undefined>();
      expectTypeOf(r.options.count).toEqualTypeOf<number>();
      expectTypeOf(r.value.count).toEqualTypeOf<number>();
    }
  });

  it.each([
    ['', '缺少“会议时间”'],
    ['明天下午3点', '缺少“会议类型”'],
    ['明天下午3点 支委会', '缺少选项“主题:会议主题”'],
    ['明天下午3点 支部大会 主题:x', '“会议类型”应为以下之一：支委会、党员大会、党小组会、党课，您输入的是“支部大会”'],
    ['明天下午3点 支委会 主题:x TOPIC:y', '选项“主题”和“TOPIC”重复了，请只写一个'],
    ['明天下午3点 支委会 主题:x 人数:-1', '“到会人数”应为不小于 0 的整数，您输入的是“-1”'],
    ['明天下午3点 支委会 主题:“”', '“会议主题”不能为空'],
  ])('%j → %s', (line, error) => {
    expect(parseArgs(spec, tok(line), env)).toEqual({ ok: false, error });
  });

  it('too many words names them', () => {
    const s = { args: { base: arg.money('月收入（税后，元）') } };
    expect(parseArgs(s, tok('6500 7000 元'), env)).toEqual({ ok: false, error: '多余的内容“7000 元”；含空格的内容请用引号括起来' });
    expect(parseArgs({}, tok('多余'), env)).toEqual({ ok: false, error: '该命令不需要参数，多余的内容“多余”' });
    expect(parseArgs({}, tok('李四:出差'), env)).toEqual({
      ok: false,
      error: '该命令没有选项，无法识别“李四:”；如果这是内容的一部分，请用引号括起来',
    });
  });

  it('optional and default positionals', () => {
    const s = { args: { month: arg.month('月份').default('2026-12'), who: arg.text('姓名').optional() } };
    expect(parseArgs(s, tok(''), env)).toMatchObject({ ok: true, args: { month: '2026-12', who: undefined } });
    expect(parseArgs(s, tok('上月 张三'), env)).toMatchObject({ ok: true, args: { month: '2026-11', who: '张三' } });
    // An optional arg that does not fit leaves the word to the next one.
    expect(parseArgs(s, tok('张三'), env)).toMatchObject({ ok: true, args: { month: '2026-12', who: '张三' } });
    // …but the last one reports the bad word.
    const last = { args: { month: arg.month('月份').optional() } };
    expect(parseArgs(last, tok('张三'), env)).toEqual({ ok: false, error: '“月份”应为月份，例如 2026-11 或 本月，您输入的是“张三”' });
  });

  it('datetime takes one word when two do not parse', () => {
    const s = { args: { when: arg.datetime('时间'), place: arg.text('地点') } };
    expect(parseArgs(s, tok('明天下午3点 三楼会议室'), env)).toMatchObject({
      ok: true, args: { when: new Date('2026-12-03T07:00:00Z'), place: '三楼会议室' },
    });
  });

  it('a datetime option may be quoted with a space', () => {
    const s = { options: { at: option('时间', arg.datetime('时间')) } };
    expect(parseArgs(s, tok('时间:“2026-12-20 09:30”'), env)).toMatchObject({ ok: true, options: { at: new Date('2026-12-20T01:30:00Z') } });
  });

  it('declaration mistakes throw', () => {
    expect(() => option('bad key', arg.text('x'))).toThrow();
    expect(() => option('太长的选项键名超过八', arg.text('x'))).toThrow();
    expect(() => option([], arg.text('x'))).toThrow();
    expect(() => option('谁', arg.mention('谁'))).toThrow();
  });

  it('long input is clipped in errors', () => {
    const r = parseArgs({ args: { n: arg.int('数量') } }, tok('x'.repeat(100)), env);
    expect(r.ok ? '' : r.error).toBe(`“数量”应为整数，您输入的是“${'x'.repeat(30)}…”`);
  });
});

describe('free text that contains key: pairs', () => {
  const note = { args: { who: arg.text('对象'), text: arg.rest('内容') }, options: { reason: option('原因', arg.text('原因').optional()) } };
  const env = { now: new Date('2026-12-02T02:00:00Z'), tz: 'Asia/Shanghai' };
  const parse = (line: string) => parseArgs(note, tokenize(normalize(line)), env);

  it('keeps an undeclared key: as text, in place, in a command ending with free text', () => {
    expect(parse('张三 我想说：工作太忙 谢谢')).toMatchObject({ ok: true, value: { who: '张三', text: '我想说:工作太忙 谢谢' } });
    expect(parse('张三 第一 备注:甲 时间:乙 最后')).toMatchObject({ ok: true, value: { text: '第一 备注:甲 时间:乙 最后' } });
  });

  it('still reads a declared option as an option', () => {
    expect(parse('张三 内容 原因:岗位变动')).toMatchObject({ ok: true, value: { text: '内容', reason: '岗位变动' } });
  });

  it('still refuses an unknown option in a command without free text', () => {
    const r = parseArgs({ args: { who: arg.text('对象') } }, tokenize('张三 地点:会议室'), env);
    expect(r.ok).toBe(false);
  });
});

import { describe, expect, expectTypeOf, it } from 'vitest';
import { arg, option, parseArgs } from '../../src/bot/args.ts';
import { command, usageOf, type AnyCommand } from '../../src/bot/command.ts';
import type { CommandContext } from '../../src/bot/context.ts';
import { tokenize } from '../../src/bot/tokenize.ts';
import { duesCalc, duesShow, duesReport, meetingAdd } from './fixtures.ts';

describe('command', () => {
  it('fills defaults and normalises names', () => {
    const c = command({ name: '  党费　查询 ', access: 'member', help: ' 查询党费 ', run: () => ({ kind: 'text', text: '' }) });
    expect(c).toMatchObject({ name: '党费 查询', aliases: [], args: {}, options: {}, chat: 'any', examples: [], hidden: false, help: '查询党费' });
  });

  it('infers handler input from args and options', () => {
    command({
      name: '测试',
      args: { n: arg.int('次数').optional(), who: arg.mention('对象') },
      options: { at: option('时间', arg.datetime('时间').optional()), m: option('月份', arg.month('月份').default('2026-12')) },
      access: 'anyone',
      help: '类型测试',
      run: (input, ctx) => {
        expectTypeOf(input).toEqualTypeOf<{
          n: number | undefined;
          who: { name: string; index: number };
          at: Date | undefined;
          m: string;
        }>();
        expectTypeOf(ctx).toEqualTypeOf<CommandContext>();
        return { kind: 'text', text: '' };
      },
    });
    const any: AnyCommand = duesCalc;
    expect(any.name).toBe('党费 计算');
  });

  it('runs with merged args and options from parseArgs', async () => {
    const parsed = parseArgs(meetingAdd, tokenize('下周三下午3点 支委会 主题:学习'), { now: new Date('2026-12-02T02:00:00Z'), tz: 'Asia/Shanghai' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const reply = await meetingAdd.run(parsed.value, {} as CommandContext);
    expect(reply).toEqual({ kind: 'text', text: '2026-12-09T07:00:00.000Z 支委会 学习' });
  });

  it.each([
    ['', {}],
    ['党费 "计算"', {}],
    ['会议:安排', {}],
    ['@张三', {}],
    ['ok', { help: '  ' }],
  ])('refuses the bad declaration %j %j', (name, extra) => {
    expect(() => command({ name, access: 'anyone', help: '说明', run: () => ({ kind: 'text', text: '' }), ...extra })).toThrow();
  });

  it('refuses a rest arg before others and clashing option keys', () => {
    const run = () => ({ kind: 'text' as const, text: '' });
    expect(() => command({ name: 'a', access: 'anyone', help: 'x', run, args: { r: arg.rest('r'), t: arg.text('t') } })).toThrow(/rest/);
    expect(() =>
      command({ name: 'a', access: 'anyone', help: 'x', run, options: { a: option(['原因'], arg.text('x')), b: option(['理由', '原因'], arg.text('y')) } }),
    ).toThrow(/原因/);
    expect(() =>
      command({ name: 'a', access: 'anyone', help: 'x', run, args: { a: arg.text('x') }, options: { a: option('甲', arg.text('y')) } }),
    ).toThrow(/same id/);
  });
});

describe('usageOf', () => {
  it.each([
    [duesCalc, '党费 计算 <月收入（税后，元）> [原因:…]'],
    [duesShow, '党费'],
    [duesReport, '党费 统计 [月份]'],
    [meetingAdd, '会议 安排 <会议时间> <会议类型：支委会/党员大会/党小组会/党课> [备注…] 主题:<会议主题>'],
  ])('%#', (cmd, usage) => {
    expect(usageOf(cmd)).toBe(usage);
  });
});

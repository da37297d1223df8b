import { describe, expect, it } from 'vitest';
import { command } from '../../src/bot/command.ts';
import { DuplicateCommandError } from '../../src/bot/errors.ts';
import { normalize } from '../../src/bot/normalize.ts';
import { createRegistry, levenshtein } from '../../src/bot/registry.ts';
import { tokenize } from '../../src/bot/tokenize.ts';
import { ALL, duesCalc, duesReport, duesShow, helpCmd, meetingAdd } from './fixtures.ts';

const run = () => ({ kind: 'text' as const, text: '' });
const registry = createRegistry(ALL);
const tok = (line: string) => tokenize(normalize(line));

describe('match', () => {
  it.each([
    ['党费 计算 6500', '党费 计算', ['6500']],
    ['/党费 计算 6500', '党费 计算', ['6500']],
    ['党费', '党费', []],
    ['党费 6500', '党费', ['6500']],
    ['党费 统计 上月', '党费 统计', ['上月']],
    ['DUES Calc 6500', '党费 计算', ['6500']],
    ['ＨＥＬＰ', '帮助', []],
    ['帮助 党费 计算', '帮助', ['党费', '计算']],
  ])('%s → %s', (line, name, rest) => {
    const m = registry.match(tok(line));
    expect(m?.command.name).toBe(name);
    expect(m?.rest.words).toEqual(rest);
  });

  it('returns null for no command', () => {
    expect(registry.match(tok('党废 计算'))).toBeNull();
    expect(registry.match(tok(''))).toBeNull();
    expect(registry.match(tok('主题:学习'))).toBeNull();
  });

  it('shifts mention positions and keeps options', () => {
    const m = registry.match(tok('会议 安排 @张三 明天下午3点 主题:学习'));
    expect(m?.matched).toEqual(['会议', '安排']);
    expect(m?.rest).toMatchObject({ words: ['@张三', '明天下午3点'], mentions: ['张三'], mentionWords: [0], options: { 主题: '学习' } });
  });

  it('find looks up exact names and aliases', () => {
    expect(registry.find('dues  CALC')).toBe(duesCalc);
    expect(registry.find('党费')).toBe(duesShow);
    expect(registry.find('党费 计')).toBeUndefined();
    expect(registry.list()).toEqual(ALL);
  });
});

describe('duplicates', () => {
  it('throws at creation naming both commands', () => {
    const other = command({ name: '党费　计算', access: 'anyone', help: 'x', run });
    expect(() => createRegistry([duesCalc, other])).toThrow(DuplicateCommandError);
    expect(() => createRegistry([duesCalc, other])).toThrow(/党费 计算.*党费 计算/);
  });

  it('an alias colliding with another name, ASCII case-insensitively', () => {
    const a = command({ name: '会议 列表', aliases: ['Meeting ADD'], access: 'anyone', help: 'x', run });
    expect(() => createRegistry([meetingAdd, a])).toThrow(/"Meeting ADD".*"会议 安排".*"会议 列表"/);
    const b = command({ name: '帮助', access: 'anyone', help: 'x', run });
    expect(() => createRegistry([helpCmd, b])).toThrow(DuplicateCommandError);
  });

  it('the same command twice is a duplicate; an alias equal to its own name is not', () => {
    expect(() => createRegistry([duesReport, duesReport])).toThrow(DuplicateCommandError);
    const c = command({ name: '支部', aliases: ['支部', 'BRANCH', 'branch'], access: 'anyone', help: 'x', run });
    expect(() => createRegistry([c])).not.toThrow();
  });
});

describe('suggest', () => {
  it.each([
    ['党废', ['党费', '党费 计算', '党费 统计']],
    ['党费计算 6500', ['党费 计算']],
    ['党废 计算 6500', ['党费 计算', '党费', '党费 统计']],
    ['dues clac', ['党费 计算']],
    ['帮主', ['帮助']],
    ['hlep', ['帮助']],
    ['会议 安拍', ['会议 安排']],
    ['天气', []],
    ['', []],
  ])('%s → %j', (text, names) => {
    expect(registry.suggest(text, 3).map((c) => c.name)).toEqual(names);
  });

  it('never suggests hidden commands and respects the limit', () => {
    expect(registry.suggest('会议 回执').map((c) => c.name)).not.toContain('会议 回执');
    expect(registry.suggest('党废', 1)).toHaveLength(1);
    expect(registry.suggest('党废', 0)).toEqual([]);
  });

  it('copes with a huge line (a hang guard, not a speed measure)', () => {
    expect(Array.isArray(registry.suggest('党'.repeat(10_000)))).toBe(true);
  }, 10_000);

  it('levenshtein counts code points', () => {
    expect(levenshtein('党费', '党废')).toBe(1);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('😀a', '😀b')).toBe(1);
  });
});

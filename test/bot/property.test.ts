import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arg, option, parseArgs } from '../../src/bot/args.ts';
import { parseDateTime, parseMonth, parseQuarter, parseYear } from '../../src/bot/dates.ts';
import { normalize } from '../../src/bot/normalize.ts';
import { createRegistry } from '../../src/bot/registry.ts';
import { tokenize } from '../../src/bot/tokenize.ts';
import { ALL } from './fixtures.ts';

const env = { now: new Date('2026-12-02T02:00:00Z'), tz: 'Asia/Shanghai' };
const registry = createRegistry(ALL);

/** Pieces people (and broken clients) actually send, mixed with arbitrary code points. */
const piece = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    '“', '”', '"', "'", '「', '」', '『', '‘', '：', ':', '@', '＠', '／', '/', ' ', '\u3000', '\t', '\n', '\u0000', '\u001b',
    '\u200b', '\u202e', '\uFEFF', '😀', '👨‍👩‍👧', '\uD800', '\uDFFF', '主题:', '缺席:', '原因：', 'http://x', '@张三', '党费', '计算',
    '6500', '¥6,500.55', '-1', '2026-12-20', '15:00', '下周三下午3点', '2月30日', '上月', '2026Q4', '十二月', '周日',
  ),
);
const line = fc.oneof(
  fc.array(piece, { maxLength: 40 }).map((p) => p.join('')),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const spec = {
  args: {
    when: arg.datetime('会议时间').optional(),
    who: arg.mention('对象').optional(),
    base: arg.money('金额').optional(),
    month: arg.month('月份').optional(),
    n: arg.int('数量', { min: 0, max: 9 }).optional(),
    kind: arg.choice('类型', ['甲', '乙'] as const).optional(),
    rest: arg.rest('内容').optional(),
  },
  options: {
    topic: option(['主题', 'topic'], arg.text('主题').optional()),
    day: option('日期', arg.date('日期').optional()),
  },
};

describe('never throws', () => {
  it('normalize, tokenize, match, suggest and parseArgs on arbitrary lines', () => {
    fc.assert(
      fc.property(line, (raw) => {
        const normal = normalize(raw);
        const tokens = tokenize(normal);
        for (const [i, w] of tokens.mentionWords.entries()) expect(tokens.words[w]).toBe(`@${tokens.mentions[i]}`);
        if (!normal.startsWith('/')) expect(normalize(normal)).toBe(normal);
        const m = registry.match(tokens);
        if (m) parseArgs(m.command, m.rest, env);
        registry.suggest(raw);
        const r = parseArgs(spec, tokens, env);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('the date parsers on arbitrary text', () => {
    fc.assert(
      fc.property(line, fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), (s, now) => {
        for (const f of [parseDateTime, parseMonth, parseQuarter, parseYear]) f(s, now, 'Asia/Shanghai');
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['10,000 characters of CJK', '党'.repeat(10_000)],
    ['10,000 spaces and quotes', ' “'.repeat(5_000)],
    ['control characters', Array.from({ length: 10_000 }, (_, i) => String.fromCharCode(i % 32)).join('')],
    ['emoji and lone surrogates', '😀\uD800👨‍👩‍👧\uDFFF'.repeat(1_500)],
    ['unbalanced quotes everywhere', '主题:“a 「b ‘c "d \'e'.repeat(800)],
    ['options and mentions', '主题:x @张三 '.repeat(1_000)],
  ])('%s', (_name, raw) => {
    const tokens = tokenize(normalize(raw));
    parseArgs(spec, tokens, env);
    registry.match(tokens);
    registry.suggest(raw);
    parseDateTime(raw, env.now, env.tz);
  }, 10_000); // a hang guard (catastrophic backtracking), not a speed measure: that is npm run bench's
});

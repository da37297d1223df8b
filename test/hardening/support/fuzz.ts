/**
 * Adversarial input for whole-system fuzzing. Lines are built from a command's own declaration
 * (its name, then a value of the right kind — or the wrong one — for each argument and option), so a
 * command added later is fuzzed without anyone writing a generator for it.
 */
import fc from 'fast-check';
import type { AnyCommand } from '../../../src/bot/command.ts';
import type { ArgKind } from '../../../src/bot/args.ts';

/** Text people (and broken clients, and attackers) send. */
export const NASTY: readonly string[] = [
  '', ' ', '""', '“”', '「」', "'", '"', '“', '「未闭合', '主题:“未闭合', ':', '：', '：：', '@', '@@', '#', '匿名#', '匿名#0', '#-1',
  "'; drop table members; --", "1' or '1'='1", 'Robert\'); DELETE FROM outbox;--', '$1', '%s%s%n', '${process.env}', '{{7*7}}',
  '<script>alert(1)</script>', '<at user_id="all">所有人</at>', '**加粗**', '[点我](https://evil.example)', '\\', '\\n', '/', '／',
  '\u0000', '\u0007', '\u001b[31m', '\u200b', '\u202e反转', '\uFEFF', '\uD800', '\uDFFF', '😀', '👨‍👩‍👧', '🇨🇳', 'ǅ', 'İ', 'ß',
  'العربية', 'русский', '한국어', 'ｆｕｌｌｗｉｄｔｈ', '𠀀𪚥', '丶', '－１', '−1', '1e9', 'NaN', 'Infinity', 'null', 'undefined', 'true',
  '0', '-1', '2147483648', '999999999999999', '9'.repeat(40), '0x10', '１２', '十二', '3.14', '.5', '5.', '1,2,3',
  '2月30日', '2026-02-30', '2026-13-01', '2026-00-10', '0000-01-01', '9999-12-31', '1900-01-01', '2100-12-31', '25:61', '24:00',
  '上上上周', '下下下个月', '昨天', '明天', '下周三下午3点', '2026Q5', '2026Q0', '第五季度', '十三月', '2026-11', '上月', '本月',
  '张三', '@张三', '李四', '@外党员', '外党员', '外书记', '第二党支部', '外单位党支部', '不存在的人', '管理员', '路人甲',
  'SQ-2026-0001', 'SQ-9999-9999', 'SQ-', '匿名#1', '#1', '1', '12', '支部:外单位党支部', '支部:第二党支部', '原因:', '金额:-5',
];

const huge = fc.constantFrom('党'.repeat(10_000), 'a'.repeat(10_000), '😀'.repeat(2_500), ' '.repeat(5_000) + 'x', '“'.repeat(3_000),
  Array.from({ length: 10_000 }, (_, i) => String.fromCharCode(i % 32)).join(''), '@张三 '.repeat(1_000), '主题:x '.repeat(1_000));

/** One adversarial word or phrase. */
export const nasty: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...NASTY), { minLength: 2, maxLength: 5 }).map((a) => a.join('')) },
);

/** A value of the right shape for an argument kind, often at or past its edges. */
function plausible(kind: ArgKind, choices?: readonly string[]): fc.Arbitrary<string> {
  switch (kind) {
    case 'int': return fc.oneof(fc.integer({ min: -5, max: 60 }).map(String), fc.constantFrom('0', '2147483647', '2147483648', '999999999999999', '-0', '+3'));
    case 'money': return fc.oneof(fc.integer({ min: 0, max: 2_000_000 }).map((f) => (f / 100).toFixed(2)), fc.constantFrom('0', '0.001', '10000000', '10000000.01', '¥97.50', '6,500', '-1'));
    case 'date': return fc.oneof(fc.date({ min: new Date('1899-01-01'), max: new Date('2101-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), fc.constantFrom('2月30日', '2026-02-29', '2028-02-29', '今天', '明天', '12月31日'));
    case 'datetime': return fc.constantFrom('2026-12-20 15:00', '明天 09:00', '下周三下午3点', '2026-02-30 10:00', '2026-12-20 25:00', '1970-01-01 00:00', '2100-01-01 08:00', '今天', '12月9日 15:00');
    case 'month': return fc.constantFrom('2026-11', '2026-12', '2026-09至2026-11', '2026-11至2026-09', '2026-01至2027-12', '2026-13', '上月', '本月', '0001-01', '9999-12', '2025-12至2026-02');
    case 'quarter': return fc.constantFrom('2026Q4', '2026Q1', '本季度', '2026Q5', '1999Q1');
    case 'year': return fc.constantFrom('2026', '2025', '1900', '2100', '0', '99999', '今年', '去年');
    case 'choice': return fc.oneof(fc.constantFrom(...(choices?.length ? choices : ['?'])), fc.constantFrom('全部', '无', 'x'));
    case 'mention': return fc.constantFrom('@张三', '@李四', '@王五', '@外党员', '@不存在的人', '@管理员', '@欧阳隐');
    case 'text': case 'rest': return fc.oneof(fc.constantFrom('张三', '李四', '王五', '赵六', '第一党支部', '12', '1', 'SQ-2026-0001', '匿名#1', '薪酬福利', '在职', '递交申请书'), nasty);
  }
}

export function argValue(kind: ArgKind, choices?: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof({ weight: 3, arbitrary: plausible(kind, choices) }, { weight: 1, arbitrary: nasty });
}

/** Quotes a value the way people do when it has spaces (or sometimes just because). */
const quoted = (v: fc.Arbitrary<string>) =>
  fc.tuple(v, fc.constantFrom('', '', '', '"', '“', '「')).map(([s, q]) => (q === '' ? s : q === '“' ? `“${s}”` : q === '「' ? `「${s}」` : `"${s}"`));

/** A whole line for `cmd`: its name (or an alias), fuzzed positional args, fuzzed options, noise. */
export function commandLine(cmd: AnyCommand): fc.Arbitrary<string> {
  const names = [cmd.name, ...cmd.aliases];
  const args = Object.values(cmd.args).map((a) =>
    fc.option(quoted(argValue(a.kind, a.choices)), { freq: 5, nil: undefined }));
  const opts = Object.values(cmd.options).map((o) =>
    fc.option(fc.tuple(fc.constantFrom(...o.keys), fc.constantFrom(':', '：', ': '), quoted(argValue(o.arg.kind, o.arg.choices)))
      .map(([k, sep, v]) => `${k}${sep}${v}`), { freq: 2, nil: undefined }));
  return fc.tuple(
    fc.constantFrom(...names),
    fc.tuple(...(args.length ? args : [fc.constant(undefined)])),
    fc.tuple(...(opts.length ? opts : [fc.constant(undefined)])),
    fc.option(nasty, { freq: 6, nil: undefined }),
    fc.constantFrom('', '', '/', '／', '  ', '@党支部助手 '),
  ).map(([name, a, o, tail, prefix]) => [prefix + name, ...a, ...o, tail].filter((x) => x !== undefined).join(' '));
}

/** Any line at all: a registered command with fuzzed arguments, or free-form junk. */
export function anyLine(commands: readonly AnyCommand[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...commands).chain(commandLine) },
    { weight: 1, arbitrary: fc.array(nasty, { maxLength: 8 }).map((w) => w.join(' ')) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    { weight: 1, arbitrary: huge },
  );
}

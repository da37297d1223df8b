/**
 * Typed argument declarations and their parser. A command declares positional `args` (consumed in
 * object-key order) and `key:value` `options`; handlers receive values whose types are inferred from
 * the declaration. Every refusal is a Chinese sentence that names the argument by its label.
 */
import { parseDate, parseMonth, parseQuarter, parseWhen, parseYear, formatQuarter } from './dates.ts';
import { foldCase } from './normalize.ts';
import { formatMonth, formatYmd, instantFromWallClock } from './time.ts';
import type { Tokens } from './tokenize.ts';

export interface ParseEnv {
  now: Date;
  tz: string;
}

/** What a parser sees besides the text: the env, and the word's index among mentions if it is one. */
export interface ParseAt extends ParseEnv {
  mentionIndex?: number;
}

/** `error` is a fragment that follows the quoted label, e.g. `不能为负数`. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error?: string };

export type ArgKind =
  | 'text' | 'rest' | 'int' | 'money' | 'date' | 'datetime' | 'month' | 'quarter' | 'year' | 'choice' | 'mention';

export interface Arg<T> {
  readonly kind: ArgKind;
  /** Chinese name shown in usage and errors, e.g. `月收入（税后，元）`. */
  readonly label: string;
  /** False once `.optional()` or `.default()` was applied. */
  readonly required: boolean;
  readonly defaultValue: T | undefined;
  /** What a valid value looks like, e.g. `金额，例如 6500`. */
  readonly expects: string;
  readonly choices?: readonly string[];
  parse(input: string, at: ParseAt): Parsed<T>;
  optional(): Arg<T | undefined>;
  default(value: Exclude<T, undefined>): Arg<Exclude<T, undefined>>;
}

/** A mentioned person: `index` is the position among the message's mentions (platform user ids). */
export interface Mention {
  name: string;
  index: number;
}

type Base<T> = Pick<Arg<T>, 'kind' | 'label' | 'expects' | 'choices' | 'parse'>;

function make<T>(base: Base<T>, required = true, defaultValue?: T): Arg<T> {
  return {
    ...base,
    required,
    defaultValue,
    optional: () => make<T | undefined>(base, false, undefined),
    // Parsers never produce undefined (only a missing optional arg does), so the narrowing is sound.
    default: (v) => make(base as unknown as Base<Exclude<T, undefined>>, false, v),
  };
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (error?: string): Parsed<never> => ({ ok: false, error });

function textParse(max: number | undefined) {
  return (s: string): Parsed<string> => {
    const t = s.trim();
    if (!t) return bad('不能为空');
    if (max !== undefined && [...t].length > max) return bad(`不能超过 ${max} 个字`);
    return ok(t);
  };
}

/** 元 → integer fen: `6500`, `6,500`, `6500元`, `¥6500.5`. */
export function parseMoney(input: string): Parsed<number> {
  const s = input.replace(/\s/g, '').replace(/^(?:¥|￥|rmb)/i, '');
  if (/^[-−]/.test(s)) return bad('不能为负数');
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?元?$/.exec(s);
  if (!m) return bad();
  if (m[2] && m[2].length > 2) return bad('最多精确到分（两位小数）');
  const yuan = m[1]!.replace(/,/g, '').replace(/^0+(?=\d)/, '');
  const fen = yuan.length > 9 ? Infinity : Number(yuan) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (fen > 1_000_000_000) return bad('超出合理范围（不超过 10,000,000 元）');
  return ok(fen);
}

/** A kind whose parser either reads a value or refuses with the generic `应为…` message. */
function simple<T>(kind: ArgKind, expects: string, read: (s: string, at: ParseAt) => T | null, choices?: readonly string[]) {
  return (label: string): Arg<T> =>
    make({ kind, label, expects, choices, parse: (s, at) => { const v = read(s, at); return v === null ? bad() : ok(v); } });
}

function rangeText(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `介于 ${min} 和 ${max} 之间的整数`;
  if (min !== undefined) return `不小于 ${min} 的整数`;
  return max !== undefined ? `不大于 ${max} 的整数` : '整数';
}

const INT4_MAX = 2_147_483_647;

export const arg = {
  /** One word (quote it to include spaces). */
  text: (label: string, opts: { max?: number } = {}): Arg<string> =>
    make({ kind: 'text', label, expects: '一段文字', parse: textParse(opts.max) }),

  /** Everything left, joined by single spaces. Must be the last positional argument. */
  rest: (label: string, opts: { max?: number } = {}): Arg<string> =>
    make({ kind: 'rest', label, expects: '一段文字', parse: textParse(opts.max) }),

  /** Never outside the 32-bit range: ids and counts go to integer columns, where more would be a database error. */
  int: (label: string, { min, max }: { min?: number; max?: number } = {}): Arg<number> =>
    simple('int', rangeText(min, max), (s) => {
      const n = /^[+-]?\d{1,15}$/.test(s) ? Number(s) : NaN;
      if (Number.isNaN(n) || n > INT4_MAX || n < -INT4_MAX - 1) return null;
      return (min !== undefined && n < min) || (max !== undefined && n > max) ? null : n;
    })(label),

  /** Amount in 元 with at most 2 decimals → integer fen. */
  money: (label: string): Arg<number> => make({ kind: 'money', label, expects: '金额，例如 6500', parse: parseMoney }),

  /** A calendar date → `YYYY-MM-DD`. */
  date: simple('date', '日期，例如 2026-12-05 或 12月5日', (s, { now, tz }) => {
    const d = parseDate(s, now, tz);
    return d && formatYmd(d);
  }),

  /** A point in time; may take two words (`2026-11-20 15:00`). Needs a time of day unless `dateOnly: 'start'`. */
  datetime: (label: string, opts: { dateOnly?: 'refuse' | 'start' } = {}): Arg<Date> =>
    make({
      kind: 'datetime', label, expects: '日期和时间，例如 2026-12-20 09:30 或 下周三下午3点',
      parse: (s, { now, tz }) => {
        const w = parseWhen(s, now, tz);
        if (!w) return bad();
        if (!w.time && opts.dateOnly !== 'start') return bad(`还需要具体时间，例如“${clip(s.trim())} 下午3点”`);
        return ok(instantFromWallClock({ ...w.date, hh: w.time?.hh ?? 0, mi: w.time?.mi ?? 0 }, tz));
      },
    }),

  /** → `YYYY-MM` */
  month: simple('month', '月份，例如 2026-11 或 本月', (s, { now, tz }) => {
    const m = parseMonth(s, now, tz);
    return m && formatMonth(m);
  }),

  /** → `YYYY-Qn` */
  quarter: simple('quarter', '季度，例如 2026Q4 或 本季度', (s, { now, tz }) => {
    const q = parseQuarter(s, now, tz);
    return q && formatQuarter(q);
  }),

  year: simple('year', '年份，例如 2026', (s, { now, tz }) => parseYear(s, now, tz)),

  /** One of `values` (ASCII case-insensitive); `aliases` maps other words to a value. */
  choice: <const V extends readonly string[]>(label: string, values: V, aliases: Record<string, V[number]> = {}): Arg<V[number]> => {
    const table = new Map<string, V[number]>();
    for (const v of values) table.set(foldCase(v), v);
    for (const [k, v] of Object.entries(aliases)) table.set(foldCase(k), v);
    return simple('choice', `以下之一：${values.join('、')}`, (s) => table.get(foldCase(s.trim())) ?? null, values)(label);
  },

  /** An `@name` the platform reported as a mention. */
  mention: simple<Mention>('mention', '在消息里 @ 的人，例如 @张三', (s, { mentionIndex }) =>
    mentionIndex === undefined || !s.startsWith('@') ? null : { name: s.slice(1), index: mentionIndex },
  ),
};

export interface Opt<T> {
  /** Keys accepted before the colon, the first one shown in usage, e.g. `['原因', 'reason']`. */
  readonly keys: readonly string[];
  readonly arg: Arg<T>;
}

const OPTION_KEY = /^[A-Za-z\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]{1,8}$/u;

/** A `key:value` option. Required unless its arg is `.optional()` or has a `.default()`. */
export function option<T>(keys: string | readonly string[], a: Arg<T>): Opt<T> {
  const list = typeof keys === 'string' ? [keys] : [...keys];
  if (!list.length) throw new Error(`Option "${a.label}" needs at least one key`);
  for (const k of list) {
    if (!OPTION_KEY.test(k)) throw new Error(`Option key "${k}" must be 1-8 CJK or ASCII letters`);
  }
  if (a.kind === 'mention') throw new Error(`Option "${list[0]}" cannot be a mention; use a positional arg`);
  return { keys: list, arg: a };
}

export type ArgsSpec = Record<string, Arg<unknown>>;
export type OptionsSpec = Record<string, Opt<unknown>>;
export type InferArgs<S extends ArgsSpec> = { [K in keyof S]: S[K] extends Arg<infer T> ? T : never };
export type InferOptions<S extends OptionsSpec> = { [K in keyof S]: S[K] extends Opt<infer T> ? T : never };

/** `value` is `args` and `options` merged: what a command's `run` receives. */
export type ParseResult<A extends ArgsSpec, O extends OptionsSpec> =
  | { ok: true; args: InferArgs<A>; options: InferOptions<O>; value: InferArgs<A> & InferOptions<O> }
  | { ok: false; error: string };

const clip = (s: string) => ([...s].length > 30 ? `${[...s].slice(0, 30).join('')}…` : s);

function refusal(a: Arg<unknown>, input: string, error?: string): string {
  if (error) return `“${a.label}”${error}`;
  return `“${a.label}”应为${a.expects}${input.trim() ? `，您输入的是“${clip(input)}”` : ''}`;
}

export function parseArgs<A extends ArgsSpec, O extends OptionsSpec>(
  spec: { args?: A; options?: O },
  tokens: Tokens,
  env: ParseEnv,
): ParseResult<A, O> {
  const fail = (error: string) => ({ ok: false as const, error });
  const entries = Object.entries(spec.args ?? {});
  tokens = undeclaredOptionsAsText(tokens, entries, spec.options ?? {});
  const words = tokens.words;
  const args: Record<string, unknown> = {};
  let i = 0;
  for (let k = 0; k < entries.length; k++) {
    const [id, a] = entries[k]!;
    if (i >= words.length) {
      if (a.required) return fail(`缺少“${a.label}”`);
      args[id] = a.defaultValue;
      continue;
    }
    let r: Parsed<unknown>;
    let used = 1;
    const at: ParseAt = { ...env, mentionIndex: mentionAt(tokens, i) };
    if (a.kind === 'rest') {
      used = words.length - i;
      r = a.parse(words.slice(i).join(' '), at);
    } else {
      r = { ok: false };
      if (a.kind === 'datetime' && i + 1 < words.length) {
        r = a.parse(`${words[i]} ${words[i + 1]}`, at);
        used = 2;
      }
      if (!r.ok) {
        r = a.parse(words[i]!, at);
        used = 1;
      }
    }
    if (!r.ok) {
      // An optional arg that does not fit leaves the word to the args after it.
      if (!a.required && k < entries.length - 1) {
        args[id] = a.defaultValue;
        continue;
      }
      return fail(refusal(a, words.slice(i, i + used).join(' '), r.error));
    }
    args[id] = r.value;
    i += used;
  }
  if (i < words.length) {
    const extra = clip(words.slice(i).join(' '));
    return fail(entries.length ? `多余的内容“${extra}”；含空格的内容请用引号括起来` : `该命令不需要参数，多余的内容“${extra}”`);
  }

  const options: Record<string, unknown> = {};
  const optEntries = Object.entries(spec.options ?? {});
  const byKey = new Map<string, [string, Opt<unknown>]>();
  for (const [id, o] of optEntries) for (const key of o.keys) byKey.set(foldCase(key), [id, o]);
  const given = new Map<string, string>();
  for (const [key, value] of Object.entries(tokens.options)) {
    const hit = byKey.get(foldCase(key));
    if (!hit) {
      if (!optEntries.length) return fail(`该命令没有选项，无法识别“${clip(key)}:”；如果这是内容的一部分，请用引号括起来`);
      return fail(`未知选项“${clip(key)}”，可用选项：${optEntries.map(([, o]) => o.keys.join('/')).join('、')}`);
    }
    const [id, o] = hit;
    const prev = given.get(id);
    if (prev !== undefined) return fail(`选项“${prev}”和“${key}”重复了，请只写一个`);
    given.set(id, key);
    const r = o.arg.parse(value, { ...env });
    if (!r.ok) return fail(refusal(o.arg, value, r.error));
    options[id] = r.value;
  }
  for (const [id, o] of optEntries) {
    if (given.has(id)) continue;
    if (o.arg.required) return fail(`缺少选项“${o.keys[0]}:${o.arg.label}”`);
    options[id] = o.arg.defaultValue;
  }
  // The loops above filled exactly the declared keys with values from their own parsers.
  const typedArgs = args as InferArgs<A>;
  const typedOptions = options as InferOptions<O>;
  return { ok: true, args: typedArgs, options: typedOptions, value: { ...typedArgs, ...typedOptions } };
}

function mentionAt(tokens: Tokens, wordIndex: number): number | undefined {
  const k = tokens.mentionWords.indexOf(wordIndex);
  return k < 0 ? undefined : k;
}

/**
 * In a command that ends with free text, a `key:` the command does not declare is part of that
 * text (`匿名 我想说：…`), not a mistyped option: put it back where it stood.
 */
function undeclaredOptionsAsText(tokens: Tokens, entries: Array<[string, Arg<unknown>]>, options: OptionsSpec): Tokens {
  const last = entries[entries.length - 1];
  if (!last || last[1].kind !== 'rest' || !tokens.optionWords?.length) return tokens;
  const declared = new Set(Object.values(options).flatMap((o) => o.keys.map(foldCase)));
  const undeclared = tokens.optionWords.filter((o) => !declared.has(foldCase(o.key)));
  if (!undeclared.length) return tokens;
  const words = [...tokens.words];
  let mentionWords = [...tokens.mentionWords];
  const opts = { ...tokens.options };
  // Last first, so each insertion leaves the positions of the earlier ones as they were.
  for (const o of [...undeclared].reverse()) {
    words.splice(o.at, 0, o.text);
    mentionWords = mentionWords.map((m) => (m >= o.at ? m + 1 : m));
    delete opts[o.key];
  }
  return { ...tokens, words, options: opts, mentionWords, optionWords: tokens.optionWords.filter((o) => declared.has(foldCase(o.key))) };
}

/**
 * Splits a normalised line (see normalize.ts) into words, `key:value` options and @-mentions.
 *
 * Rules, applied left to right:
 * - Tokens are separated by whitespace.
 * - A token that *starts* with a quote is quoted: “…”, "…", 「…」, 『…』, ‘…’, '…'. Its text, without
 *   the quotes and with spaces kept, is one word; it is never an option or a mention. An empty pair
 *   gives an empty word. Without a closing quote the rest of the line is the word. Text right after a
 *   closing quote starts a new token. Quote characters inside a token are ordinary characters.
 * - `key:value` is an option when key is 1–8 CJK or ASCII letters (`主题:支委会`, `reason:病假`).
 *   The value runs to the next whitespace (`缺席:李四(出差),王五(病假)` is one value) or, when it
 *   starts with a quote, to the closing quote. `key:` followed by a space takes the next token as its
 *   value (people type `主题： 学习`). `http://…` is not an option. A repeated key keeps the last value.
 * - An unquoted token `@name` is a mention; it stays in `words` as `@name` (so positional parsing sees
 *   where it was), its name goes to `mentions` and its word index to `mentionWords`. A list
 *   separator (`,;，；、`) ends the name and starts the next token (`@张三,@李四`); trailing `.!?。！？`
 *   is dropped. A lone `@` is a plain word.
 * Never throws, whatever the input.
 */
export interface Tokens {
  /** Positional words in order, quotes removed; mentions appear as `@name`. */
  words: string[];
  /** Options by key as typed (normalised); values unquoted. */
  options: Record<string, string>;
  /** Mentioned names in order, without `@`. The i-th matches the platform's i-th mention. */
  mentions: string[];
  /** `mentionWords[i]` is the index in `words` of `mentions[i]`. */
  mentionWords: number[];
  /**
   * Each option as typed and the index in `words` it stood before, so a command whose free text
   * happens to contain `key:` (`匿名 我想说：…`) can take it back as text.
   */
  optionWords?: Array<{ key: string; text: string; at: number }>;
  /** The line exactly as passed in. */
  raw: string;
}

const QUOTES: Record<string, string> = { '“': '”', '"': '"', '「': '」', '『': '』', '‘': '’', "'": "'" };
const OPTION_KEY = /^([A-Za-z\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]{1,8}):/u;
const MENTION_TRAILER = /[.!?。！？]+$/u;
const MENTION_SEPARATOR = /[,;，；、]/u;

function isSpace(c: string): boolean {
  return /\s/.test(c);
}

/** Reads a quoted run starting at `i` (the opening quote); returns the text and the index after it. */
function readQuoted(line: string, i: number): { text: string; end: number } {
  const close = QUOTES[line[i]!]!;
  const j = line.indexOf(close, i + 1);
  if (j < 0) return { text: line.slice(i + 1), end: line.length };
  return { text: line.slice(i + 1, j), end: j + 1 };
}

function readBare(line: string, i: number): { text: string; end: number } {
  let j = i;
  while (j < line.length && !isSpace(line[j]!)) j++;
  return { text: line.slice(i, j), end: j };
}

export function tokenize(line: string): Tokens {
  const out: Tokens = { words: [], options: {}, mentions: [], mentionWords: [], optionWords: [], raw: line };
  const lex = lexemes(line);
  for (let k = 0; k < lex.length; k++) {
    const l = lex[k]!;
    if (l.key !== undefined) {
      let value = l.text;
      let typed = l.raw;
      const next = lex[k + 1];
      if (value === '' && !l.valueQuoted && next && next.key === undefined) {
        value = next.text;
        typed = `${l.raw} ${next.raw}`;
        k++;
      }
      out.options[l.key] = value;
      out.optionWords!.push({ key: l.key, text: typed, at: out.words.length });
      continue;
    }
    if (!l.quoted && l.text.length > 1 && l.text.startsWith('@')) {
      const name = l.text.slice(1).replace(MENTION_TRAILER, '');
      if (name && !MENTION_SEPARATOR.test(name)) {
        out.mentions.push(name);
        out.mentionWords.push(out.words.length);
        out.words.push(`@${name}`);
        continue;
      }
    }
    out.words.push(l.text);
  }
  return out;
}

interface Lexeme {
  text: string;
  /** The lexeme exactly as it stood in the line. */
  raw: string;
  quoted: boolean;
  /** Set for a `key:value` lexeme; `text` is then the value. */
  key?: string;
  valueQuoted?: boolean;
}

/** Splits into lexemes; a `key:value` lexeme carries its key (and the value as text). */
function lexemes(line: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c in QUOTES) {
      const q = readQuoted(line, i);
      out.push({ text: q.text, raw: line.slice(i, q.end), quoted: true });
      i = q.end;
      continue;
    }
    const m = OPTION_KEY.exec(line.slice(i, i + 10));
    if (m && !line.startsWith('//', i + m[0].length)) {
      const at = i + m[0].length;
      const next = line[at];
      if (next !== undefined && next in QUOTES) {
        const q = readQuoted(line, at);
        out.push({ text: q.text, raw: line.slice(i, q.end), quoted: false, key: m[1]!, valueQuoted: true });
        i = q.end;
      } else {
        const b = readBare(line, at);
        out.push({ text: b.text, raw: line.slice(i, b.end), quoted: false, key: m[1]!, valueQuoted: false });
        i = b.end;
      }
      continue;
    }
    const b = readBare(line, i);
    const sep = c === '@' ? b.text.search(MENTION_SEPARATOR) : -1;
    if (sep > 1) {
      // `@张三,@李四`: a list separator ends a mention; what follows is the next token.
      out.push({ text: b.text.slice(0, sep), raw: b.text.slice(0, sep), quoted: false });
      i += sep + 1;
      continue;
    }
    out.push({ text: b.text, raw: b.text, quoted: false });
    i = b.end;
  }
  return out;
}

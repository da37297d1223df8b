/**
 * Free text as the person typed it. Command parsing normalises the line (full-width ，：！？ become
 * ASCII, runs of spaces and line breaks one space), which suits command words but not an appeal, a
 * result or a reason that people read later. This finds the parsed tail in the typed message.
 */

// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/;

/** normalize() of src/bot/normalize.ts, keeping for each output character its index in `raw`. */
function normalizedWithMap(raw: string): { text: string; at: number[] } {
  let text = '';
  const at: number[] = [];
  let space = false;
  for (let i = 0; i < raw.length; i++) {
    let c = raw[i]!;
    if (INVISIBLE.test(c)) continue;
    if (/\s/.test(c)) {
      space = true;
      continue;
    }
    if (space && text) {
      text += ' ';
      at.push(i - 1);
    }
    space = false;
    const code = c.charCodeAt(0);
    if (code >= 0xff01 && code <= 0xff5e) c = String.fromCharCode(code - 0xfee0);
    else if (c === '\uffe5') c = '¥';
    text += c;
    at.push(i);
  }
  return { text, at };
}

/** The typed form of `parsed` (a rest argument at the end of the line), or `parsed` when it cannot be found. */
export function asTyped(raw: string, parsed: string): string {
  if (!parsed) return parsed;
  const { text, at } = normalizedWithMap(raw);
  const start = text.endsWith(parsed) ? text.length - parsed.length : text.lastIndexOf(parsed);
  if (start < 0) return parsed;
  const typed = raw.slice(at[start], at[start + parsed.length - 1]! + 1).replace(new RegExp(INVISIBLE.source, 'g'), '').trim();
  return typed || parsed;
}

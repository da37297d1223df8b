/**
 * Normalises one raw chat line before tokenizing:
 * - removes control, zero-width and bidi characters (tabs and line breaks count as spaces);
 * - maps full-width ASCII (U+FF01–U+FF5E: ：，（）！＠／０-９Ａ-Ｚ …) to half-width, and ￥ to ¥;
 *   Chinese quotes “” ‘’ 「」 『』 and other CJK punctuation (、。) are left as they are;
 * - collapses every run of whitespace (including U+3000 and NBSP) to one ASCII space and trims;
 * - strips one leading `/` (or `／`) so `/帮助` and `帮助` are the same command.
 * Case is kept; the registry compares ASCII case-insensitively itself.
 */
export function normalize(raw: string): string {
  let s = raw
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000E-\u001F\u007F-\u009F\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/g, '')
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\uFFE5/g, '¥')
    .replace(/\s+/g, ' ')
    .trim();
  if (s.startsWith('/')) s = s.slice(1).trimStart();
  return s;
}

/** Lower-cases ASCII letters only; used wherever names are compared. */
export function foldCase(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

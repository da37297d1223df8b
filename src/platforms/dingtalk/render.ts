/**
 * Neutral Reply → DingTalk message bodies.
 *
 * DingTalk cannot call the bot back when a plain message button is tapped (ActionCard buttons only
 * open URLs), so every button is rendered as the exact command to type. In 1:1 chats the command is
 * also a `dtmd://dingtalkclient/sendMessage?content=…` link: not in DingTalk's official docs, but used
 * by DingTalk's own Java chatbot SDK samples and community bots, and reported to work only inside
 * markdown messages (not ActionCard buttons). That is why cards are always `markdown` /
 * `sampleMarkdown` here, never ActionCards. In groups no link is rendered: a tapped link posts the
 * text into the group without @-mentioning the bot, so the bot would never receive it.
 */
import type { Button, CardReply, Reply } from '../../bot/types.ts';
import { fileAsText } from '../../bot/file-text.ts';

export type ChatKind = 'private' | 'group';

export interface RenderOptions {
  chatKind: ChatKind;
  /** Render buttons as dtmd sendMessage links in 1:1 chats (default true). The text command is always shown. */
  buttonLinks?: boolean;
}

/** Body for a session webhook (same shapes as the custom robot webhook). */
export type SessionWebhookBody =
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'markdown'; markdown: { title: string; text: string } };

/** A robot OpenAPI message: `msgParam` is a JSON *string*, as the API requires. */
export interface RobotApiMessage {
  msgKey: 'sampleText' | 'sampleMarkdown';
  msgParam: string;
}

/** groupMessages/send limits msgParam to 15,000 bytes; keep a margin for JSON escaping. */
export const MAX_MSG_PARAM_BYTES = 14_000;
const MAX_TITLE_CHARS = 64;
const TRUNCATED = '\n\n…（内容过长，已截断）';

export function renderForSessionWebhook(reply: Reply, opts: RenderOptions): SessionWebhookBody {
  if (reply.kind === 'file') return renderForSessionWebhook({ kind: 'text', text: fileAsText(reply) }, opts);
  if (reply.kind === 'text') return { msgtype: 'text', text: { content: fitText(reply.text, (t) => ({ content: t })) } };
  const md = renderCardMarkdown(reply, opts);
  return { msgtype: 'markdown', markdown: md };
}

/** A file reply renders as its caption and name here; the sender uploads and sends the file itself. */
export function renderForRobotApi(reply: Reply, opts: RenderOptions): RobotApiMessage {
  if (reply.kind === 'file') return renderForRobotApi({ kind: 'text', text: fileAsText(reply) }, opts);
  if (reply.kind === 'text') {
    const content = fitText(reply.text, (t) => ({ content: t }));
    return { msgKey: 'sampleText', msgParam: JSON.stringify({ content }) };
  }
  const md = renderCardMarkdown(reply, opts);
  return { msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title: md.title, text: md.text }) };
}

/** A card as DingTalk markdown: title heading, body lines, bold field labels, then the commands to type. */
export function renderCardMarkdown(card: CardReply, opts: RenderOptions): { title: string; text: string } {
  const title = clip(oneLine(card.title) || '党支部助手', MAX_TITLE_CHARS);
  const blocks: string[] = [`#### ${title}`];
  for (const line of (card.text ?? '').split('\n')) {
    if (line.trim()) blocks.push(line.trimEnd());
  }
  for (const f of card.fields ?? []) blocks.push(`**${oneLine(f.label)}**：${oneLine(f.value)}`);
  const buttons = card.buttons ?? [];
  if (buttons.length > 0) {
    const links = opts.chatKind === 'private' && opts.buttonLinks !== false;
    blocks.push(
      opts.chatKind === 'group'
        ? '**操作**（请 @我 并输入对应文字）：'
        : links
          ? '**操作**（点击，或直接回复对应文字）：'
          : '**操作**（直接回复对应文字）：',
    );
    blocks.push(buttons.map((b) => buttonLine(b, opts.chatKind, links)).join('\n'));
  }
  const text = fitText(blocks.join('\n\n'), (t) => ({ title, text: t }));
  return { title, text };
}

/** “回复「会议 回复 12 参加」” — the exact command a tap would have run. */
export function buttonLine(b: Button, chatKind: ChatKind, link: boolean): string {
  const command = oneLine(b.command);
  const label = oneLine(b.label).replace(/[[\]]/g, '');
  if (link && chatKind === 'private') {
    return `- [${label}](dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(command)})：回复「${command}」`;
  }
  return chatKind === 'group' ? `- ${label}：@我 回复「${command}」` : `- ${label}：回复「${command}」`;
}

/** Cuts `text` (on a code point boundary) until the JSON of `wrap(text)` fits the byte limit. */
export function fitText(text: string, wrap: (t: string) => unknown, maxBytes = MAX_MSG_PARAM_BYTES): string {
  if (bytes(JSON.stringify(wrap(text))) <= maxBytes) return text;
  const chars = Array.from(text);
  let keep = Math.min(chars.length, maxBytes);
  for (;;) {
    const candidate = chars.slice(0, keep).join('').trimEnd() + TRUNCATED;
    const over = bytes(JSON.stringify(wrap(candidate))) - maxBytes;
    if (over <= 0 || keep === 0) return candidate;
    // Each character is at least one byte, so dropping `over` more characters always makes progress.
    keep = Math.max(0, keep - over);
  }
}

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

function clip(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
}

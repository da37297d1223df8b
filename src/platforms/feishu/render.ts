/**
 * Neutral Reply → Feishu message. Text replies become `text` messages; cards become interactive cards
 * in **card JSON 2.0** (used everywhere, including the card returned from a button callback).
 *
 * Card buttons carry a signed action token (src/bot/action-token.ts) bound to the card's recipient, in
 * a `callback` behaviour: `{ "a": "<token>" }`.
 */
import { signAction } from '../../bot/action-token.ts';
import type { Button, CardChart, CardField, CardReply, Reply } from '../../bot/types.ts';
import { fileAsText } from '../../bot/file-text.ts';

/** Feishu rejects card content over 30 KB; keep a margin for the rest of the request. */
export const MAX_CARD_BYTES = 28 * 1024;
/** Text messages may be up to 150 KB. */
export const MAX_TEXT_BYTES = 140 * 1024;
/** JSON 2.0 cards stay interactive for 14 days; a token need not outlive its card. */
export const DEFAULT_ACTION_TTL_MS = 14 * 24 * 3600 * 1000;
export const TRUNCATION_NOTE = '……（内容过长，已截断）';

/** Who may tap the card's buttons: the user it was sent to, or any member of the chat it is in. */
export interface ActionTarget {
  userId?: string;
  chatId?: string;
}

export interface RenderOptions {
  serverKey: string;
  now: Date;
  actionTtlMs?: number;
}

export interface FeishuContent {
  msgType: 'text' | 'interactive';
  /** The serialised `content` field of the send/reply request. */
  content: string;
}

/** The button value key that holds the action token. */
export const ACTION_VALUE_KEY = 'a';

const TEMPLATE: Record<NonNullable<CardReply['tone']>, string> = {
  info: 'blue',
  success: 'green',
  warning: 'orange',
  danger: 'red',
};

const BUTTON_TYPE: Record<NonNullable<Button['style']>, string> = {
  primary: 'primary_filled',
  default: 'default',
  danger: 'danger',
};

/**
 * Keeps text from being read as markup: `<at id=all>`, `<font>` and friends become visible text
 * (a zero-width space after `<`), so echoing what a user typed can never @everyone.
 */
export function neutralizeMarkup(text: string): string {
  return text.replace(/<(?=[A-Za-z/!?])/g, '<\u200b');
}

/** A file reply renders as its caption and name here; the sender uploads and sends the file itself. */
export function renderFeishu(reply: Reply, target: ActionTarget, opts: RenderOptions): FeishuContent {
  if (reply.kind === 'file') return renderFeishu({ kind: 'text', text: fileAsText(reply) }, target, opts);
  if (reply.kind === 'text') {
    return { msgType: 'text', content: JSON.stringify({ text: truncateBytes(neutralizeMarkup(reply.text), MAX_TEXT_BYTES) }) };
  }
  return { msgType: 'interactive', content: JSON.stringify(renderCard(reply, target, opts)) };
}

/** The card JSON 2.0 object, already cut to fit {@link MAX_CARD_BYTES}. */
export function renderCard(card: CardReply, target: ActionTarget, opts: RenderOptions): Record<string, unknown> {
  const expiresAt = new Date(opts.now.getTime() + (opts.actionTtlMs ?? DEFAULT_ACTION_TTL_MS));
  const buttons = (card.buttons ?? []).map((b) =>
    buttonElement(b, signAction({ command: b.command, ...target, expiresAt }, opts.serverKey)),
  );
  const text = neutralizeMarkup(card.text ?? '');
  const fields = card.fields ?? [];

  const build = (textChars: number, fieldCount: number) => {
    const cut = textChars < text.length || fieldCount < fields.length;
    const body = textChars < text.length ? head(text, textChars).trimEnd() : text;
    return cardJson(card, cut ? `${body}${body ? '\n' : ''}${TRUNCATION_NOTE}` : body, fields.slice(0, fieldCount), buttons);
  };
  const fits = (c: Record<string, unknown>) => Buffer.byteLength(JSON.stringify(c), 'utf8') <= MAX_CARD_BYTES;

  const full = build(text.length, fields.length);
  if (fits(full)) return full;
  if (fits(build(0, fields.length))) {
    return build(largest(text.length, (n) => fits(build(n, fields.length))), fields.length);
  }
  return build(0, largest(fields.length, (n) => fits(build(0, n))));
}

/** Largest n in [0, max] with ok(n), assuming ok is monotone and ok(0) (or nothing better). */
function largest(max: number, ok: (n: number) => boolean): number {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function cardJson(
  card: CardReply,
  text: string,
  fields: CardField[],
  buttons: Record<string, unknown>[],
): Record<string, unknown> {
  const elements: Record<string, unknown>[] = [];
  if (text) elements.push({ tag: 'markdown', content: text });
  if (card.chart?.bars.length) elements.push(chartElement(card.chart));
  for (let i = 0; i < fields.length; i += 2) {
    elements.push({
      tag: 'column_set',
      flex_mode: 'bisect',
      columns: [fields[i], fields[i + 1]].map((f) => ({
        tag: 'column',
        width: 'weighted',
        weight: 1,
        elements: f ? [{ tag: 'markdown', content: `**${neutralizeMarkup(f.label)}**\n${neutralizeMarkup(f.value)}` }] : [],
      })),
    });
  }
  if (buttons.length > 0) {
    elements.push({
      tag: 'column_set',
      flex_mode: 'flow',
      horizontal_spacing: 'small',
      columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
    });
  }
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: {
      title: { tag: 'plain_text', content: card.title },
      template: TEMPLATE[card.tone ?? 'info'],
    },
    body: { elements },
  };
}

function buttonElement(button: Button, token: string): Record<string, unknown> {
  return {
    tag: 'button',
    text: { tag: 'plain_text', content: button.label },
    type: BUTTON_TYPE[button.style ?? 'default'],
    behaviors: [{ type: 'callback', value: { [ACTION_VALUE_KEY]: token } }],
  };
}

function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(TRUNCATION_NOTE, 'utf8') - 1;
  const cut = largest(text.length, (n) => Buffer.byteLength(head(text, n), 'utf8') <= budget);
  return `${head(text, cut)}\n${TRUNCATION_NOTE}`;
}

/** The first `n` UTF-16 units of `text`, one fewer if that would split a surrogate pair. */
function head(text: string, n: number): string {
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

/** The card's chart component (a VChart spec): horizontal bars on a 0–100 % axis. */
function chartElement(chart: CardChart): Record<string, unknown> {
  return {
    tag: 'chart',
    aspect_ratio: '2:1',
    chart_spec: {
      type: 'bar',
      direction: 'horizontal',
      title: { text: chart.title },
      data: { values: chart.bars.map((b) => ({ item: b.label, percent: Math.round(b.percent) })) },
      xField: 'percent',
      yField: 'item',
      axes: [{ orient: 'bottom', min: 0, max: 100 }],
      label: { visible: true },
    },
  };
}

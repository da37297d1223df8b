/** Platform-neutral message and reply shapes. Commands and jobs only ever see these. */

export type Platform = 'feishu' | 'dingtalk' | 'console';

export type ChatKind = 'private' | 'group';

/** A person as a platform names them. `userId` is the stable per-app id (Feishu open_id, DingTalk staffId). */
export interface PlatformUser {
  userId: string;
  unionId?: string;
  name?: string;
}

/** A verified, decoded inbound message. */
export interface ChatMessage {
  platform: Platform;
  /** The platform's tenant: Feishu tenant_key, DingTalk corpId, `console` for the local console. */
  tenantKey: string;
  /** The platform's own message id; the dedupe key of the inbox. */
  messageId: string;
  chat: { id: string; kind: ChatKind; title?: string };
  sender: PlatformUser;
  /** Text with the bot's own mention removed and trimmed. */
  text: string;
  /** Other people @-mentioned, in order. */
  mentions: PlatformUser[];
  receivedAt: Date;
  /** Platform data needed to answer this message (e.g. DingTalk sessionWebhook). Opaque to commands. */
  replyHint?: Record<string, unknown>;
}

/** A button runs a command line as the person who taps it, exactly as if they had typed it. */
export interface Button {
  label: string;
  /** The command line the tap runs, e.g. `会议 回复 12 参加`. Shown verbatim where a platform cannot act on taps. */
  command: string;
  style?: 'primary' | 'default' | 'danger';
}

export interface CardField {
  label: string;
  value: string;
}

export interface TextReply {
  kind: 'text';
  text: string;
  /** Anonymous routing: see `forget` on CardReply. */
  forget?: boolean;
}

/** Shares drawn as bars where the platform can draw (a Feishu card); the text carries the same figures. */
export interface CardChart {
  title: string;
  /** `percent` from 0 to 100. */
  bars: { label: string; percent: number }[];
}

export interface CardReply {
  kind: 'card';
  title: string;
  /** Markdown-light body: plain lines, `**bold**` allowed. */
  text?: string;
  fields?: CardField[];
  chart?: CardChart;
  buttons?: Button[];
  tone?: 'info' | 'success' | 'warning' | 'danger';
  /**
   * Anonymous routing: once delivered (or given up), the outbox row keeps neither this content nor
   * its recipient, so a stored row cannot link a writer to their handle (src/notify/forget.ts).
   */
  forget?: boolean;
}

/**
 * A file sent into the chat (the .xlsx exports). The bytes live in the `export_files` table, so
 * whichever instance sends the outbox row can upload them; `caption` goes out as text just before.
 */
export interface FileReply {
  kind: 'file';
  fileId: number;
  fileName: string;
  caption?: string;
}

export type Reply = TextReply | CardReply | FileReply;

/** Where an outbound message goes. */
export interface Recipient {
  platform: Platform;
  kind: 'user' | 'chat';
  /** open_id / staffId / console name, or the chat id. */
  id: string;
  /** The platform tenant the recipient lives in (needed by platforms that send per tenant). */
  tenantKey: string;
}

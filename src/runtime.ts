import type { Hono } from 'hono';
import type { DbHandle } from '../db/client.ts';
import { buildRegistry } from '../commands/index.ts';
import { secretsOf, type Config } from './config.ts';
import type { Logger } from './log.ts';
import { createApp } from './app.ts';
import { configureAnonKey } from './anon/key.ts';
import { trackedDeferrer, type Deferrer } from './defer.ts';
import { createDispatcher, type Dispatch } from './bot/dispatcher.ts';
import { acceptMessage, processInbox, recordHandled } from './bot/inbox.ts';
import { answerAction } from './bot/action-reply.ts';
import { fileSource } from './files/export-files.ts';
import { welcomeCard } from './bot/welcome.ts';
import type { ChatMessage, Reply } from './bot/types.ts';
import { enqueue } from './notify/outbox.ts';
import { createSender } from './notify/sender.ts';
import type { Ingest, PlatformSender } from './platforms/types.ts';
import { createFeishuRoutes } from './platforms/feishu/routes.ts';
import type { BotAddedInfo } from './platforms/feishu/decode.ts';
import { createFeishuSender, type FeishuSenderOptions } from './platforms/feishu/sender.ts';
import { createDingTalkRoutes } from './platforms/dingtalk/routes.ts';
import { createDingTalkSender } from './platforms/dingtalk/sender.ts';

export interface RuntimeOptions {
  config: Config;
  handle: DbHandle;
  log: Logger;
  now?: () => Date;
  /** Senders besides the configured platforms' (the console's, or test doubles). */
  extraSenders?: PlatformSender[];
  deferrer?: Deferrer;
  /** The Lark SDK's HTTP client; Workers pass a fetch-based one (the default is the SDK's axios instance). */
  feishuHttp?: FeishuSenderOptions['httpInstance'];
  /** Awaited before each inbox message is processed (the Node host lets webhook answers go first). */
  beforeEachMessage?: () => Promise<void>;
}

export interface Runtime {
  app: Hono;
  config: Config;
  handle: DbHandle;
  log: Logger;
  now: () => Date;
  dispatch: Dispatch;
  ingest: Ingest;
  /** Runs a tapped button's command at once and returns the updated card (platform card callbacks). */
  runAction(msg: ChatMessage): Promise<Reply>;
  /** Posts the welcome card to a Feishu group the bot has joined (webhook and long-connection modes). */
  onFeishuBotAdded(info: BotAddedInfo): Promise<void>;
  /** The bot's own Feishu open_id, to tell whether a group message @-mentions it. */
  feishuBotOpenId?: () => Promise<string | undefined>;
  /** Processes received inbox rows, then wakes the sender. */
  processPending(): Promise<number>;
  sender: ReturnType<typeof createSender>;
  deferrer: Deferrer;
  /** Finishes the message and the sends in flight, leaves the rest of the inbox for the next start, closes the database. */
  close(): Promise<void>;
}

/** Inbox rows processed per pass of the processing loop. */
export const INBOX_BATCH = 100;

/** Wires the database, dispatcher, inbox, outbox sender and platform adapters; used by every host. */
export function createRuntime(opts: RuntimeOptions): Runtime {
  const { config, handle, log } = opts;
  const db = handle.db;
  const now = opts.now ?? (() => new Date());
  const tz = config.timezone;
  configureAnonKey(config.serverKey);
  const deferrer = opts.deferrer ?? trackedDeferrer((err) => log.error('deferred work failed', { error: err }));
  const registry = buildRegistry();
  const dispatch = createDispatcher({ registry, admins: config.admins, log, tz, now });

  const senders: PlatformSender[] = [...(opts.extraSenders ?? [])];
  const files = fileSource(db);
  const feishuSender = config.feishu ? createFeishuSender({ config: config.feishu, log, serverKey: config.serverKey, now, httpInstance: opts.feishuHttp, files }) : undefined;
  if (feishuSender) senders.push(feishuSender);
  if (config.dingtalk) senders.push(createDingTalkSender({ config: config.dingtalk, log, now, files }));
  const sender = createSender({ db, senders, log, now, tz, admins: config.admins, secrets: secretsOf(config), limits: config.sendLimits });

  let processing: Promise<number> | undefined;
  let again = false;
  // Set by close(): the loop finishes the message in flight and leaves the backlog in the inbox for
  // the next start, instead of holding shutdown until a burst is worked off.
  const closing = new AbortController();
  // One processing loop per process; a message arriving meanwhile is picked up by a second pass, and a
  // full batch means more are waiting (a burst): go on rather than leave them to the 30 s recovery.
  const processPending = async (): Promise<number> => {
    if (processing) {
      again = true;
      return processing;
    }
    processing = (async () => {
      let total = 0;
      do {
        again = false;
        const n = await processInbox({ db, handle: dispatch, log, now, tz, limit: INBOX_BATCH, beforeEach: opts.beforeEachMessage, signal: closing.signal });
        total += n;
        if (n >= INBOX_BATCH) again = true;
      } while (again && !closing.signal.aborted);
      return total;
    })().finally(() => {
      processing = undefined;
    });
    const n = await processing;
    if (n) sender.kick();
    return n;
  };

  const ingest: Ingest = async (msg) => {
    const result = await acceptMessage(db, msg);
    if (result === 'accepted') deferrer.defer(processPending());
    return result;
  };

  const runAction = (msg: ChatMessage): Promise<Reply> => {
    // Recorded under its event id in the same transaction: a replayed or redelivered tap runs nothing twice.
    const work = db.transaction(async (tx): Promise<Reply> => {
      if ((await recordHandled(tx, msg, now())) === 'duplicate') return { kind: 'text', text: '这个操作已经处理过了。' };
      return answerAction(tx, msg, (await dispatch(msg, tx)) ?? { kind: 'text', text: '已处理。' }, now(), tz);
    });
    // A tap is answered after a few seconds even if its command still runs; the host must keep it alive
    // (Workers' waitUntil) and not close the database under it. Its failure is the caller's to report.
    deferrer.defer(work.then(() => sender.kick(), () => undefined));
    return work;
  };

  const notify = async (item: Parameters<typeof enqueue>[1]) => {
    await enqueue(db, item, { now: now(), tz });
    sender.kick();
  };

  // Keyed by the event: Feishu's redeliveries post one card, the bot removed and added again another.
  const onFeishuBotAdded = async ({ tenantKey, chatId, eventId }: BotAddedInfo) =>
    notify({
      recipient: { platform: 'feishu', kind: 'chat', id: chatId, tenantKey },
      reply: welcomeCard(),
      dedupeKey: `welcome:feishu:${tenantKey}:${chatId}:${eventId ?? 'unknown'}`,
      kind: 'reply',
    });
  const feishuBotOpenId = feishuSender ? () => feishuSender.botOpenId() : undefined;

  const routes: Hono[] = [];
  if (config.feishu && config.feishu.mode === 'webhook') {
    routes.push(createFeishuRoutes({
      config: config.feishu,
      serverKey: config.serverKey,
      ingest,
      onCardAction: runAction,
      onBotAdded: onFeishuBotAdded,
      log,
      now,
      botOpenId: feishuBotOpenId,
    }));
  }
  if (config.dingtalk && config.dingtalk.mode === 'http') {
    routes.push(createDingTalkRoutes({ config: config.dingtalk, ingest, notify, log, now }));
  }
  const app = createApp({ ping: () => handle.ping(), log, routes });

  return {
    app, config, handle, log, now, dispatch, ingest, runAction, onFeishuBotAdded, feishuBotOpenId, processPending, sender, deferrer,
    close: async () => {
      closing.abort();
      await deferrer.settle();
      await sender.stop();
      feishuSender?.close();
      await handle.close();
    },
  };
}

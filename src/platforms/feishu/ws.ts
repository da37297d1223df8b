/**
 * Long-connection mode (FEISHU_MODE=ws): the SDK's WSClient receives events and card callbacks over
 * an outbound WebSocket, so no public URL is needed. Pushes arrive already authenticated (no
 * signature, no encryption) and go through the same handlers as the webhook routes.
 *
 * The SDK acknowledges a push only after its handler resolves and re-pushes after 3 s, so handlers
 * stay as short as on the webhook path: ingest, then return.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import { feishuSecrets, larkLogger } from './client.ts';
import {
  EVENT_BOT_ADDED,
  EVENT_CARD_ACTION,
  EVENT_MESSAGE,
  handleFeishuCardAction,
  handleFeishuEvent,
  inboundDeps,
  type FeishuInboundOptions,
} from './inbound.ts';

export type FeishuWsOptions = FeishuInboundOptions;

/** The SDK hands handlers `{ schema, ...header, ...event }`; these are the header fields we read. */
interface Flattened {
  event_id?: string;
  tenant_key?: string;
}

/** The dispatcher the WSClient feeds: the three event types we use, decoded like the webhook path. */
export function createFeishuWsDispatcher(opts: FeishuWsOptions): lark.EventDispatcher {
  const log = opts.log.child({ platform: 'feishu', transport: 'ws' });
  const deps = inboundDeps(opts, log);
  const dispatcher = new lark.EventDispatcher({
    logger: larkLogger(log, () => feishuSecrets(opts.config)),
    loggerLevel: lark.LoggerLevel.warn,
  });
  dispatcher.register({
    [EVENT_MESSAGE]: (data: Flattened) => handleFeishuEvent({ eventType: EVENT_MESSAGE, tenantKey: data.tenant_key, eventId: data.event_id }, data, deps),
    [EVENT_BOT_ADDED]: (data: Flattened) => handleFeishuEvent({ eventType: EVENT_BOT_ADDED, tenantKey: data.tenant_key, eventId: data.event_id }, data, deps),
    // The flattened data's `token` is the card-update token here; nothing reads it.
    [EVENT_CARD_ACTION]: (data: Flattened) => handleFeishuCardAction(data.event_id, data.tenant_key, data, deps),
  } as Parameters<lark.EventDispatcher['register']>[0]);
  return dispatcher;
}

export function startFeishuWs(opts: FeishuWsOptions): { close(): void } {
  const log = opts.log.child({ platform: 'feishu', transport: 'ws' });
  const client = new lark.WSClient({
    appId: opts.config.appId,
    appSecret: opts.config.appSecret,
    domain: opts.config.baseUrl,
    logger: larkLogger(log, () => feishuSecrets(opts.config)),
    loggerLevel: lark.LoggerLevel.warn,
  });
  void client.start({ eventDispatcher: createFeishuWsDispatcher(opts) });
  log.info('feishu long connection starting');
  return {
    close() {
      client.close();
    },
  };
}

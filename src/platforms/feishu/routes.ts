/**
 * Feishu webhooks: `POST /feishu/events` (event subscription) and `POST /feishu/cards` (card callback).
 *
 * Both verify before anything else (signature over the raw bytes, clock skew, Verification Token),
 * answer `url_verification` at once, and have no side effect on a refused request. A message is
 * handed to the durable inbox (`ingest`) before the 200 goes out; the work happens later.
 */
import { Hono, type Context } from 'hono';
import {
  EVENT_CARD_ACTION,
  handleFeishuCardAction,
  handleFeishuEvent,
  inboundDeps,
  type FeishuInboundOptions,
} from './inbound.ts';
import { FeishuVerifyError, verifyFeishuRequest, type VerifiedRequest } from './verify.ts';
import { isTransientDbError } from '../../../db/errors.ts';
import { ACK_DEADLINE_MS, DeadlineError, within } from '../../within.ts';
import { sizeLimit } from '../body-limit.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export type FeishuRoutesOptions = FeishuInboundOptions;

export function createFeishuRoutes(opts: FeishuRoutesOptions): Hono {
  const log = opts.log.child({ platform: 'feishu' });
  const deps = inboundDeps(opts, log);
  const limit = sizeLimit(MAX_BODY_BYTES, (c) => c.json({ error: 'body too large' }, 413));

  /** The verified request, or the refusal response. */
  async function verified(c: Context): Promise<VerifiedRequest | Response> {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    try {
      return verifyFeishuRequest(
        raw,
        {
          timestamp: c.req.header('x-lark-request-timestamp'),
          nonce: c.req.header('x-lark-request-nonce'),
          signature: c.req.header('x-lark-signature'),
        },
        {
          verificationToken: opts.config.verificationToken,
          ...(opts.config.encryptKey ? { encryptKey: opts.config.encryptKey } : {}),
          now: deps.now(),
        },
      );
    } catch (e) {
      if (!(e instanceof FeishuVerifyError)) throw e;
      const level = e.kind === 'no_encrypt_key' ? 'error' : 'warn'; // a configuration mistake, not an attack
      log[level]('feishu request refused', { path: c.req.path, reason: e.kind });
      return c.json({ error: e.message }, e.status);
    }
  }

  const app = new Hono();

  app.post('/feishu/events', limit, async (c) => {
    const req = await verified(c);
    if (req instanceof Response) return req;
    if (req.kind === 'challenge') return c.json({ challenge: req.challenge });
    if (req.kind === 'v1') {
      log.info('feishu v1 event ignored');
      return c.json({});
    }
    let outcome: Awaited<ReturnType<typeof handleFeishuEvent>>;
    try {
      outcome = await within(
        handleFeishuEvent({ eventType: req.header.event_type, tenantKey: req.header.tenant_key, eventId: req.header.event_id }, req.event, deps),
        ACK_DEADLINE_MS,
        () => new DeadlineError('the event was not recorded in time'),
      );
    } catch (e) {
      // Not acknowledged: Feishu delivers the event again (15 s, 5 min, 1 h, 6 h).
      log.error('feishu event failed', { eventType: req.header.event_type, error: e });
      const unavailable = e instanceof DeadlineError || isTransientDbError(e);
      return c.json({ error: unavailable ? 'temporarily unavailable' : 'internal error' }, unavailable ? 503 : 500);
    }
    if (outcome === 'malformed') {
      log.warn('feishu event malformed', { eventType: req.header.event_type });
      return c.json({ error: 'malformed event' }, 400);
    }
    return c.json({});
  });

  app.post('/feishu/cards', limit, async (c) => {
    const req = await verified(c);
    if (req instanceof Response) return req;
    if (req.kind === 'challenge') return c.json({ challenge: req.challenge });
    if (req.kind === 'v1') {
      log.warn('feishu legacy card callback refused');
      return c.json({ error: 'legacy card callbacks are not supported; subscribe to card.action.trigger' }, 400);
    }
    if (req.header.event_type !== EVENT_CARD_ACTION) {
      return c.json({ error: `unexpected callback ${String(req.header.event_type)}` }, 400);
    }
    return c.json(await handleFeishuCardAction(req.header.event_id, req.header.tenant_key, req.event, deps));
  });

  return app;
}

/**
 * POST /dingtalk/events — DingTalk robot messages in HTTP mode.
 *
 * Order matters: the signature headers are checked before anything else is read (no side effect on
 * a bad, stale or missing signature), then the body size, then JSON, then decode and the durable
 * ingest; the 200 goes out as soon as the core holds the message. Processing happens later.
 */
import { Hono } from 'hono';
import type { DingTalkConfig } from '../../config.ts';
import type { Logger } from '../../log.ts';
import type { Ingest } from '../types.ts';
import type { Notify } from './decode.ts';
import { handleRobotCallback } from './inbound.ts';
import { ACK_DEADLINE_MS, DeadlineError, within } from '../../within.ts';
import { sizeLimit } from '../body-limit.ts';
import { DINGTALK_MAX_SKEW_MS, verifyDingTalkSignature } from './verify.ts';

export const DINGTALK_MAX_BODY_BYTES = 1024 * 1024;

export interface DingTalkRoutesOptions {
  config: DingTalkConfig;
  ingest: Ingest;
  notify: Notify;
  log: Logger;
  now?: () => Date;
  /** Accepted clock skew; DingTalk's own rule is 1 hour. */
  maxSkewMs?: number;
}

export function createDingTalkRoutes(opts: DingTalkRoutesOptions): Hono {
  const now = opts.now ?? (() => new Date());
  const log = opts.log.child({ platform: 'dingtalk', transport: 'http' });
  const app = new Hono();

  app.post(
    '/dingtalk/events',
    async (c, next) => {
      const result = verifyDingTalkSignature({
        timestamp: c.req.header('timestamp'),
        sign: c.req.header('sign'),
        appSecret: opts.config.appSecret,
        now: now().getTime(),
        maxSkewMs: opts.maxSkewMs ?? DINGTALK_MAX_SKEW_MS,
      });
      if (!result.ok) {
        log.warn('dingtalk callback rejected', { reason: result.reason });
        return c.json({ error: 'unauthorized' }, 401);
      }
      await next();
    },
    sizeLimit(DINGTALK_MAX_BODY_BYTES, (c) => {
      log.warn('dingtalk callback too large');
      return c.json({ error: 'payload too large' }, 413);
    }),
    async (c) => {
      let raw: unknown;
      try {
        raw = JSON.parse(await c.req.text());
      } catch {
        log.warn('dingtalk callback is not JSON');
        return c.json({ error: 'malformed JSON' }, 400);
      }
      try {
        const outcome = await within(
          handleRobotCallback(raw, { ingest: opts.ingest, notify: opts.notify, log, now: now() }),
          ACK_DEADLINE_MS,
          () => new DeadlineError('the callback was not recorded in time'),
        );
        if (outcome === 'malformed') return c.json({ error: 'not a robot message' }, 400);
        return c.json({ ok: true, outcome }, 200);
      } catch (err) {
        // The core could not record it: say so, so the message is not silently acknowledged.
        log.error('dingtalk callback not recorded', { err });
        return c.json({ error: 'temporarily unavailable' }, 503);
      }
    },
  );

  return app;
}

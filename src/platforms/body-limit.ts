/**
 * A body-size limit for webhooks. Hono's `bodyLimit` reads `c.req.raw.body` first, and on the Node
 * adapter that turns the light request into a full WHATWG Request with a web stream (about a tenth of
 * a webhook's CPU at full load). A request that declares its length is judged by the header, and its
 * body is then read through the adapter's direct path; only a body of unknown length (chunked) is
 * counted as it streams in, by Hono's middleware.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export function sizeLimit(maxBytes: number, onTooLarge: (c: Context) => Response | Promise<Response>): MiddlewareHandler {
  const streaming = bodyLimit({ maxSize: maxBytes, onError: onTooLarge });
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streaming(c, next);
    if (!/^\d+$/.test(length)) return c.json({ error: 'bad content-length' }, 400);
    if (Number(length) > maxBytes) return onTooLarge(c);
    await next();
  };
}

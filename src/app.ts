import { Hono } from 'hono';
import { isTransientDbError } from '../db/errors.ts';
import type { Logger } from './log.ts';
import { within } from './within.ts';

export interface AppDeps {
  /** Throws when the database is unreachable. */
  ping(): Promise<void>;
  log: Logger;
  /** Platform webhook routes, mounted only for configured platforms. */
  routes: Hono[];
}

/** A database that neither answers nor refuses (a proxy that drops connections) is unavailable too. */
const PING_TIMEOUT_MS = 3_000;

/** The HTTP surface; runtime-free so Node and Workers serve the same app. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.get('/healthz', async (c) => {
    try {
      await within(deps.ping(), PING_TIMEOUT_MS, () => new Error('database ping timed out'));
      return c.json({ ok: true });
    } catch {
      return c.json({ ok: false, error: 'database unavailable' }, 503);
    }
  });
  for (const routes of deps.routes) app.route('/', routes);
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((err, c) => {
    deps.log.error('request failed', { path: c.req.path, error: err });
    return c.json({ error: 'internal error' }, isTransientDbError(err) ? 503 : 500);
  });
  return app;
}

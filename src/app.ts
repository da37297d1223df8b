import { Hono } from 'hono';
import { isTransientDbError } from '../db/errors.ts';
import type { Logger } from './log.ts';

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
      await withinMs(deps.ping(), PING_TIMEOUT_MS);
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

function withinMs<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('database ping timed out')), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

import { Hono } from 'hono';
import type { Logger } from './log.ts';

export interface AppDeps {
  /** Throws when the database is unreachable. */
  ping(): Promise<void>;
  log: Logger;
  /** Platform webhook routes, mounted only for configured platforms. */
  routes: Hono[];
}

/** The HTTP surface; runtime-free so Node and Workers serve the same app. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.get('/healthz', async (c) => {
    try {
      await deps.ping();
      return c.json({ ok: true });
    } catch {
      return c.json({ ok: false, error: 'database unavailable' }, 503);
    }
  });
  for (const routes of deps.routes) app.route('/', routes);
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((err, c) => {
    deps.log.error('request failed', { path: c.req.path, error: err });
    return c.json({ error: 'internal error' }, isDbDown(err) ? 503 : 500);
  });
  return app;
}

function isDbDown(err: unknown): boolean {
  return /ECONNREFUSED|connection|closed|terminat/i.test(String((err as Error)?.message ?? err));
}

/**
 * The baseline the webhook is compared with: a bare Hono endpoint that stores each request body with
 * one insert (postgres.js on DATABASE_URL, or PGlite in PGLITE_DIR) and answers 200. No verification,
 * no decryption, no background work: what any webhook on this stack costs at least.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import postgres from 'postgres';
import { PGlite } from '@electric-sql/pglite';

const TABLE = 'create table if not exists bench_baseline (id bigserial primary key, body text not null, received_at timestamptz not null default now())';

interface Store {
  insert(body: string): Promise<unknown>;
  ping(): Promise<unknown>;
  close(): Promise<unknown>;
}

async function store(): Promise<Store> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const sql = postgres(url, { max: 10, onnotice: () => {} });
    await sql.unsafe(TABLE);
    return { insert: (body) => sql`insert into bench_baseline (body) values (${body})`, ping: () => sql`select 1`, close: () => sql.end() };
  }
  const pg = await PGlite.create(process.env.PGLITE_DIR ?? 'memory://');
  await pg.exec(TABLE);
  return {
    insert: (body) => pg.query('insert into bench_baseline (body) values ($1)', [body]),
    ping: () => pg.query('select 1'),
    close: () => pg.close(),
  };
}

const db = await store();
const app = new Hono();
app.get('/healthz', async (c) => {
  await db.ping();
  return c.json({ ok: true });
});
app.post('/feishu/events', async (c) => {
  await db.insert(await c.req.text());
  return c.json({});
});
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 8788) });
process.on('SIGTERM', () => server.close(() => void db.close().finally(() => process.exit(0))));

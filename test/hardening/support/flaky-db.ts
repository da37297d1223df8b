/**
 * A test database that can go away and come back under a running service.
 *
 * - Postgres: the service's pool connects through a TCP proxy. `down()` cuts every connection and
 *   refuses new ones (what the service sees when the server dies or the network splits); `up()`
 *   lets connections through again. `failAfter(n)` goes down as the n-th request from now arrives,
 *   i.e. in the middle of whatever the service is doing. `terminateBackends()` is the admin's
 *   `pg_terminate_backend` on the test database.
 * - PGlite (one in-process connection): the client is wrapped; while down every query throws the
 *   error a closed PGlite throws. The real database stays intact, as a server would.
 */
import { readFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { inject } from 'vitest';
import { fromPglite, fromPostgres, type DbHandle } from '../../../db/client.ts';
import { createTestDb } from '../../helpers/db.ts';

export interface FlakyDb {
  /** The handle to give the service: every query goes through the fault switch. */
  handle: DbHandle;
  /** A second, direct handle for the test's own reads (never faulted). */
  direct: DbHandle;
  kind: 'postgres' | 'pglite';
  down(): void;
  /** Back up; resolves once connections are accepted again. */
  up(): Promise<void>;
  /** Goes down when the n-th request from now arrives (1 = the very next one). */
  failAfter(n: number): void;
  /** The n-th request from now fails (its connection is cut), and the database is right back. */
  blipAt(n: number): void;
  /** Requests refused or cut so far. */
  readonly faults: number;
  /** Postgres only: kill the test database's server processes, as an admin would. */
  terminateBackends(): Promise<number>;
  close(): Promise<void>;
}

export async function flakyTestDb(): Promise<FlakyDb> {
  return inject('pgTemplate') ? flakyPostgres() : flakyPglite();
}

async function flakyPglite(): Promise<FlakyDb> {
  const pg = await PGlite.create({ loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]) });
  let down = false;
  let countdown = -1;
  let blip = false;
  let faults = 0;
  const gate = () => {
    if (countdown > 0 && --countdown === 0) {
      if (blip) {
        faults++;
        throw new Error('PGlite is closed');
      }
      down = true;
    }
    if (down) {
      faults++;
      throw new Error('PGlite is closed');
    }
  };
  const guard = <T extends object>(target: T, wrapTx: boolean): T => new Proxy(target, {
    get(t, p) {
      const v = Reflect.get(t, p, t) as unknown;
      if (typeof v !== 'function') return v;
      if (p === 'query' || p === 'exec' || p === 'sql') return (...a: unknown[]) => { gate(); return (v as (...x: unknown[]) => unknown).apply(t, a); };
      if (p === 'transaction' && wrapTx) {
        return (fn: (tx: Transaction) => unknown) => {
          gate();
          return (v as (f: (tx: Transaction) => unknown) => unknown).call(t, (tx: Transaction) => fn(guard(tx, false)));
        };
      }
      return (v as (...x: unknown[]) => unknown).bind(t);
    },
  });
  const client = guard(pg, true);
  const handle = fromPglite(client);
  const direct = fromPglite(pg);
  return {
    handle: { ...handle, close: async () => {} },
    direct: { ...direct, close: async () => {} },
    kind: 'pglite',
    down: () => { down = true; },
    up: async () => { down = false; countdown = -1; },
    failAfter: (n) => { countdown = n; blip = false; },
    blipAt: (n) => { countdown = n; blip = true; },
    get faults() { return faults; },
    terminateBackends: async () => 0,
    close: () => pg.close(),
  };
}

async function flakyPostgres(): Promise<FlakyDb> {
  const base = await createTestDb();
  const url = new URL(base.url!);
  const pairs = new Set<Socket>();
  let down = false;
  let countdown = -1;
  let blip = false;
  let faults = 0;
  let port = 0;
  const clients = new WeakSet<Socket>();
  // Cut the way a server going down does: each session gets FATAL 57P01, then the socket closes.
  // (Destroying sockets under in-flight queries makes postgres.js 3.4 leave some queries pending
  // forever; see docs/reliability.md, "Known limits".)
  const cutAll = () => {
    for (const s of pairs) {
      if (clients.has(s) && !s.destroyed) s.end(ADMIN_SHUTDOWN);
      else s.destroy();
    }
    pairs.clear();
  };
  const onClient = (client: Socket) => {
    const upstream = connect(Number(url.port || 5432), url.hostname);
    clients.add(client);
    pairs.add(client);
    pairs.add(upstream);
    const drop = () => { client.destroy(); upstream.destroy(); pairs.delete(client); pairs.delete(upstream); };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.on('data', (d) => { if (!client.destroyed) client.write(d); });
    client.on('data', (d) => {
      if (countdown > 0 && --countdown === 0) {
        faults++;
        if (blip) cutAll();
        else goDown();
        return;
      }
      if (!upstream.destroyed) upstream.write(d);
    });
  };
  // A fresh listener each time it comes back: the port is refused in between, as a stopped server's is.
  let server: Server | undefined;
  const listen = () => new Promise<void>((resolve, reject) => {
    const srv = createServer(onClient);
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => {
      port = (srv.address() as AddressInfo).port;
      server = srv;
      resolve();
    });
  });
  // Down is what a stopped server looks like: connections cut, new ones refused (ECONNREFUSED).
  // (A listener that accepts and at once closes makes postgres.js wait forever instead.)
  const goDown = () => {
    if (down) return;
    down = true;
    server?.close();
    server = undefined;
    cutAll();
  };
  await listen();
  const proxied = new URL(base.url!);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  // The driver's own reconnect pacing (backoff up to 20 s) is not under test; short pauses keep
  // the real time of a simulated outage down.
  const sql = postgres(proxied.toString(), { max: 5, onnotice: () => {}, connect_timeout: 2, idle_timeout: 0, backoff: () => 0.2 });
  const handle = fromPostgres(sql);
  const database = url.pathname.slice(1);
  return {
    handle: { ...handle, close: async () => {} },
    direct: { ...base, close: async () => {} },
    kind: 'postgres',
    down: goDown,
    up: async () => {
      countdown = -1;
      if (!down) return;
      down = false;
      await listen();
    },
    failAfter: (n) => { countdown = n; blip = false; },
    blipAt: (n) => { countdown = n; blip = true; },
    get faults() { return faults; },
    async terminateBackends() {
      const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        const rows = await admin`select pg_terminate_backend(pid) as ok from pg_stat_activity
          where datname = ${database} and pid <> pg_backend_pid()`;
        return rows.length;
      } finally {
        await admin.end();
      }
    },
    async close() {
      cutAll();
      await sql.end({ timeout: 1 }).catch(() => {});
      server?.close();
      await base.close();
    },
  };
}

/** A backend's FATAL ErrorResponse for `terminating connection due to administrator command` (57P01). */
const ADMIN_SHUTDOWN = (() => {
  const field = (code: string, value: string) => Buffer.concat([Buffer.from(code), Buffer.from(`${value}\0`)]);
  const body = Buffer.concat([
    field('S', 'FATAL'), field('V', 'FATAL'), field('C', '57P01'),
    field('M', 'terminating connection due to administrator command'), Buffer.from([0]),
  ]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([Buffer.from('E'), length, body]);
})();

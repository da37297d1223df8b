import { once } from 'node:events';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sizeLimit } from '../../src/platforms/body-limit.ts';

const MAX = 1024;

/** Through the real Node adapter, where the declared-length path reads the body directly. */
describe('sizeLimit over node-server', () => {
  let server: ServerType;
  let port: number;
  beforeAll(async () => {
    const app = new Hono();
    app.post('/in', sizeLimit(MAX, (c) => c.json({ error: 'too large' }, 413)), async (c) => c.text(`got ${(await c.req.arrayBuffer()).byteLength}`));
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function post(chunks: string[], headers: Record<string, string>): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/in', method: 'POST', headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
      for (const c of chunks) req.write(c);
      req.end();
    });
  }

  it('passes a body within the limit, declared or chunked, whole', async () => {
    const body = 'x'.repeat(MAX);
    expect(await post([body], { 'content-length': String(MAX) })).toEqual({ status: 200, body: `got ${MAX}` });
    expect(await post([body.slice(0, 500), body.slice(500)], { 'transfer-encoding': 'chunked' })).toEqual({ status: 200, body: `got ${MAX}` });
  });

  it('refuses a declared length over the limit, and a chunked body once it grows past it', async () => {
    const body = 'x'.repeat(MAX + 1);
    expect((await post([body], { 'content-length': String(MAX + 1) })).status).toBe(413);
    expect((await post([body.slice(0, 600), body.slice(600)], { 'transfer-encoding': 'chunked' })).status).toBe(413);
  });
});

/**
 * An HTTP proxy in front of a fake platform that fails on command: the platform "down" for a stretch
 * of simulated time. Modes: `pass` forwards; `500` answers a server error; `hang` never answers (the
 * client times out); `lose-response` forwards the request (the platform acts on it) then drops the
 * answer, the nastiest case for duplicates; `reset` cuts the connection.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultMode = 'pass' | '500' | 'hang' | 'lose-response' | 'reset';

export interface FaultProxy {
  url: string;
  /** Requests that were failed, by mode. */
  faults: Record<Exclude<FaultMode, 'pass'>, number>;
  passed: number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string, mode: (req: { method: string; path: string }) => FaultMode): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const faults = { '500': 0, hang: 0, 'lose-response': 0, reset: 0 };
  let passed = 0;
  const targetUrl = new URL(target);

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const out = request({
        host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url,
        headers: { ...req.headers, host: targetUrl.host },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const m = mode({ method: req.method ?? 'GET', path: req.url ?? '/' });
    if (m === 'hang') {
      faults.hang++;
      return; // the socket is destroyed by the client's timeout or by close()
    }
    if (m === 'reset') {
      faults.reset++;
      req.socket.destroy();
      return;
    }
    if (m === '500') {
      faults['500']++;
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 1, msg: 'service unavailable (fault injected)', message: 'fault injected' }));
      return;
    }
    try {
      const r = await forward(req, body);
      if (m === 'lose-response') {
        faults['lose-response']++;
        req.socket.destroy();
        return;
      }
      passed++;
      res.writeHead(r.status, r.headers);
      res.end(r.body);
    } catch {
      res.writeHead(502).end();
    }
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    get passed() {
      return passed;
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/**
 * A fetch that gives up after `ms` of real time: the platform clients' 10 s timeout, shrunk for tests.
 * A plain controller and timer, not `AbortSignal.any([AbortSignal.timeout(ms), …])`: on Node 20 the
 * timeout signal inside `any()` can be garbage-collected before it fires (nodejs/node#57736), and a
 * hung request then waited for undici's 300 s headers timeout (the platform-outage run took 332 s).
 */
export function impatientFetch(ms: number, base: typeof fetch = fetch): typeof fetch {
  return ((input: Parameters<typeof fetch>[0], init: RequestInit = {}) => {
    const controller = new AbortController();
    // Not cleared when the answer's headers arrive: the limit covers reading the body too, as a signal does.
    setTimeout(() => controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms);
    const outer = init.signal;
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener('abort', () => controller.abort(outer.reason), { once: true });
    return base(input, { ...init, signal: controller.signal });
  }) as typeof fetch;
}

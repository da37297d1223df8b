/**
 * The load generator, run as its own process (`fork`) so it does not share an event loop with the
 * harness or the server. It builds every request before the clock starts, then either keeps a fixed
 * number of requests in flight (closed loop: throughput) or sends on a fixed schedule (open loop:
 * latency at a given rate, measured from each request's scheduled time so a stalled server cannot
 * hide its queue). Node's own http client with keep-alive; no dependency.
 */
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { buildRequest, type FeishuSecrets, type MessageSpec } from './traffic.ts';

export interface LoadJob {
  url: string;
  mode: 'closed' | 'rate';
  /** Closed loop: requests in flight. */
  concurrency?: number;
  /** Open loop: requests per second. */
  rate?: number;
  /** Sent but not measured, at the start. */
  warmupMs: number;
  durationMs: number;
  /** Baseline servers are sent the same bodies, unverified. */
  secrets: FeishuSecrets;
  /** One request per message, each used once; the closed loop stops early if they run out. */
  messages: MessageSpec[];
}

export interface LoadResult {
  sent: number;
  /** Requests answered within the measured window (after the warm-up). */
  measured: number;
  measuredMs: number;
  statuses: Record<string, number>;
  /** Latencies (ms) of measured requests, in completion order. */
  latencies: number[];
  /** Connection errors and timeouts. */
  errors: number;
  /** Highest latency of any request, warm-up included. */
  maxMs: number;
  exhausted: boolean;
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadJob;
const target = new URL(job.url);
const prepared = job.messages.map((m) => buildRequest(m, job.secrets));
const agent = new Agent({ keepAlive: true, maxSockets: job.mode === 'closed' ? job.concurrency ?? 16 : 256 });

function post(body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const req = request({
      host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, timeout: 30_000,
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

const result: LoadResult = { sent: 0, measured: 0, measuredMs: job.durationMs, statuses: {}, latencies: [], errors: 0, maxMs: 0, exhausted: false };
let next = 0;
const t0 = performance.now();
const measureFrom = t0 + job.warmupMs;
const endAt = measureFrom + job.durationMs;

async function one(scheduled: number | undefined): Promise<void> {
  const r = prepared[next++]!;
  result.sent++;
  const sentAt = performance.now();
  const status = await post(r.body, r.headers);
  const done = performance.now();
  // From the scheduled time (a late send is the server's backlog showing), or the send if it went early.
  const start = scheduled === undefined ? sentAt : Math.min(scheduled, sentAt);
  const latency = done - start;
  result.maxMs = Math.max(result.maxMs, latency);
  if (status === 0) result.errors++;
  else result.statuses[status] = (result.statuses[status] ?? 0) + 1;
  // Open loop: every request sent after the warm-up counts, however late its answer.
  if (start >= measureFrom && (job.mode === 'rate' || done <= endAt)) {
    result.measured++;
    result.latencies.push(latency);
  }
}

async function closedLoop(): Promise<void> {
  const worker = async () => {
    while (performance.now() < endAt) {
      if (next >= prepared.length) {
        result.exhausted = true;
        return;
      }
      await one(undefined);
    }
  };
  await Promise.all(Array.from({ length: job.concurrency ?? 16 }, worker));
}

async function openLoop(): Promise<void> {
  const interval = 1_000 / (job.rate ?? 100);
  const total = Math.min(prepared.length, Math.floor((job.warmupMs + job.durationMs) / interval));
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const at = t0 + i * interval;
    const wait = at - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(one(at));
  }
  await Promise.all(inflight);
}

await (job.mode === 'closed' ? closedLoop() : openLoop());
agent.destroy();
process.send!(result, () => process.exit(0));

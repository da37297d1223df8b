import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestsFirst } from '../../src/requests-first.ts';
import { consoleMessage } from '../../src/platforms/console/message.ts';
import { createRuntime } from '../../src/runtime.ts';
import { loadConfig } from '../../src/config.ts';
import { memoryLogger } from '../../src/log.ts';
import { acceptMessage } from '../../src/bot/inbox.ts';
import { createTestDb } from '../helpers/db.ts';
import type { DbHandle } from '../../db/client.ts';

/** A fetch handler that answers when the test says so. */
function heldFetch() {
  const releases: Array<() => void> = [];
  const fetch = (_req: Request) => new Promise<Response>((resolve) => releases.push(() => resolve(new Response('ok'))));
  return { fetch, release: () => releases.shift()?.() };
}

describe('webhook answers before message processing', () => {
  it('a quiet moment comes when the last request in flight is answered', async () => {
    const gate = requestsFirst({ maxWaitMs: 5_000 });
    const held = heldFetch();
    const tracked = gate.track(held.fetch);
    const answers = [tracked(new Request('http://x/a')), tracked(new Request('http://x/b'))];
    expect(gate.inFlight).toBe(2);
    let quiet = false;
    const waiting = gate.quietMoment().then(() => { quiet = true; });
    held.release();
    await answers[0];
    await new Promise((r) => setTimeout(r, 20));
    expect(quiet).toBe(false);
    held.release();
    await answers[1];
    await waiting;
    expect(gate.inFlight).toBe(0);
  });

  it('a gap between requests is not a quiet moment: it waits quietMs after the last arrival', async () => {
    const gate = requestsFirst({ maxWaitMs: 5_000, quietMs: 100 });
    const answer = gate.track(async () => new Response('ok'));
    await answer(new Request('http://x/a'));
    expect(gate.inFlight).toBe(0);
    const started = performance.now();
    await gate.quietMoment();
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    const again = performance.now();
    await gate.quietMoment();
    expect(performance.now() - again).toBeLessThan(50);
  });

  it('never waits longer than maxWaitMs (processing cannot starve)', async () => {
    const gate = requestsFirst({ maxWaitMs: 50 });
    const held = heldFetch();
    void gate.track(held.fetch)(new Request('http://x/'));
    const started = Date.now();
    await gate.quietMoment();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    held.release();
  });

  describe('in the runtime', () => {
    let handle: DbHandle;
    beforeAll(async () => { handle = await createTestDb(); });
    afterAll(async () => { await handle.close(); });

    it('an accepted message waits while a webhook is being answered, then is processed', async () => {
      const gate = requestsFirst({ maxWaitMs: 10_000 });
      const runtime = createRuntime({
        config: loadConfig({ BOT_ADMINS: 'console:管理员' }), handle: { ...handle, close: async () => {} },
        log: memoryLogger('silent'), beforeEachMessage: gate.quietMoment,
      });
      const held = heldFetch();
      const answer = gate.track(held.fetch)(new Request('http://x/feishu/events'));
      await acceptMessage(handle.db, consoleMessage('帮助', '王五'));
      let processed: number | undefined;
      const processing = runtime.processPending().then((n) => { processed = n; });
      await new Promise((r) => setTimeout(r, 100));
      expect(processed).toBeUndefined();
      held.release();
      await answer;
      await processing;
      expect(processed).toBe(1);
      await runtime.close();
    });
  });
});

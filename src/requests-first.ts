/**
 * Webhook answers before message processing. Feishu and DingTalk count an answer later than ~3 s as
 * a failure, while a reply a second later is still a reply; on one machine, though, a burst's
 * processing (about ten queries and a command per message) would otherwise compete with the acks for
 * the event loop, the pool and the database's CPU. The host counts requests in flight; the processing
 * loop waits before each message for a quiet moment: nothing in flight and nothing arrived for
 * `quietMs`. A gap between two requests is not enough: under steady traffic those come every
 * millisecond, and processing in each of them starved the acks of CPU (the benchmark's half-load p99
 * went from tens of milliseconds to hundreds). It never waits longer than `maxWaitMs`, so processing
 * cannot starve either.
 */
export interface RequestsFirst {
  /** Wraps the host's fetch handler to count requests in flight. */
  track<A extends unknown[]>(fetch: (req: Request, ...rest: A) => Response | Promise<Response>): (req: Request, ...rest: A) => Promise<Response>;
  /** Resolves once no request is in flight and none arrived for `quietMs`, or after `maxWaitMs`. */
  quietMoment(): Promise<void>;
  readonly inFlight: number;
}

export function requestsFirst(opts: { maxWaitMs?: number; quietMs?: number; pollMs?: number } = {}): RequestsFirst {
  const maxWaitMs = opts.maxWaitMs ?? 1_000;
  const quietMs = opts.quietMs ?? 5;
  const pollMs = opts.pollMs ?? 2;
  let inFlight = 0;
  let lastArrival = -Infinity;
  const quiet = () => inFlight === 0 && performance.now() - lastArrival >= quietMs;
  return {
    track: (fetch) => async (req, ...rest) => {
      inFlight++;
      lastArrival = performance.now();
      try {
        return await fetch(req, ...rest);
      } finally {
        inFlight--;
      }
    },
    async quietMoment() {
      const until = performance.now() + maxWaitMs;
      while (!quiet() && performance.now() < until) await new Promise((r) => setTimeout(r, pollMs));
    },
    get inFlight() {
      return inFlight;
    },
  };
}

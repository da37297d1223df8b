/**
 * Webhook answers before message processing. Feishu and DingTalk count an answer later than ~3 s as
 * a failure, while a reply a second later is still a reply; on one event loop and one pool, though,
 * a burst's processing (about ten queries and a command per message) would otherwise compete with
 * the acks for both. The host counts requests in flight; the processing loop waits for a quiet
 * moment before each message, never longer than `maxWaitMs`, so it cannot starve.
 */
export interface RequestsFirst {
  /** Wraps the host's fetch handler to count requests in flight. */
  track<A extends unknown[]>(fetch: (req: Request, ...rest: A) => Response | Promise<Response>): (req: Request, ...rest: A) => Promise<Response>;
  /** Resolves when no request is in flight, or after `maxWaitMs`. */
  quietMoment(): Promise<void>;
  readonly inFlight: number;
}

export function requestsFirst(opts: { maxWaitMs?: number; pollMs?: number } = {}): RequestsFirst {
  const maxWaitMs = opts.maxWaitMs ?? 1_000;
  const pollMs = opts.pollMs ?? 2;
  let inFlight = 0;
  return {
    track: (fetch) => async (req, ...rest) => {
      inFlight++;
      try {
        return await fetch(req, ...rest);
      } finally {
        inFlight--;
      }
    },
    async quietMoment() {
      const until = Date.now() + maxWaitMs;
      while (inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, pollMs));
    },
    get inFlight() {
      return inFlight;
    },
  };
}

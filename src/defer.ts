/**
 * Deferred work after a response: Workers hand it to `waitUntil`; on Node and in tests the promises
 * are tracked so shutdown and tests can wait for them.
 */
export interface Deferrer {
  defer(work: Promise<unknown>): void;
  /** Resolves when everything deferred so far (and deferred meanwhile) has settled. */
  settle(): Promise<void>;
}

export function trackedDeferrer(onError: (err: unknown) => void): Deferrer {
  const pending = new Set<Promise<unknown>>();
  return {
    defer(work) {
      const p = work.catch(onError).finally(() => pending.delete(p));
      pending.add(p);
    },
    async settle() {
      while (pending.size) await Promise.all([...pending]);
    },
  };
}

/**
 * Settles like `work`, or rejects with `timeout()` once `ms` have passed; `work` itself runs on.
 * For answers that must not wait on a database that neither answers nor refuses.
 */
export function within<T>(work: Promise<T>, ms: number, timeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeout()), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * How long a webhook may spend recording an event before it answers 5xx. Feishu waits 3 s for the
 * answer and DingTalk about as long; a late 200 counts as a failure and the event comes again anyway,
 * so answering 503 in time (and letting the inbox dedupe the redelivery) loses nothing.
 */
export const ACK_DEADLINE_MS = 2_500;

/** The work did not finish in time; it may still complete (and is deduped if the event comes again). */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

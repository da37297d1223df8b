/**
 * Whether a database error means "the database is unreachable right now" (retry later) rather than
 * "this statement is wrong" (give up). Drizzle wraps every driver error in a DrizzleQueryError whose
 * message is the SQL text and its parameters, so the classification looks at the causes: the wrapper's
 * text would match words like `closed_at` and say nothing about the connection.
 */

/** SQLSTATE classes and codes worth retrying: connection exceptions, operator intervention (shutdown,
 * restart), insufficient resources, serialization failures and deadlocks. */
const TRANSIENT_SQLSTATE = /^(?:08|57|53)|^40001$|^40P01$/;
/** postgres.js and Node socket codes for a lost or refused connection. */
const TRANSIENT_CODE = /^(?:ECONN|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|CONNECT_TIMEOUT|CONNECTION_(?:CLOSED|ENDED|DESTROYED))/;
/** Errors without a code (PGlite after close, some socket errors) say it in words. */
const TRANSIENT_TEXT = /closed|terminat|ECONN|connection/i;

export function isTransientDbError(err: unknown): boolean {
  const chain: unknown[] = [];
  for (let e = err; e != null && chain.length < 6; e = (e as { cause?: unknown }).cause) chain.push(e);
  for (const e of chain) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_CODE.test(code))) return true;
  }
  if (chain.some((e) => typeof (e as { code?: unknown }).code === 'string')) return false;
  const innermost = chain[chain.length - 1];
  return TRANSIENT_TEXT.test(String((innermost as Error | undefined)?.message ?? innermost));
}

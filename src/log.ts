/** Structured JSON logs on stderr/stdout. Values under secret-looking keys are redacted, always. */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

const SECRET_KEY = /secret|token|password|encrypt_?key|authorization|signature|sign$|ticket|cookie/i;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export type LogSink = (line: string) => void;

/** Replaces known secret values and secret-named fields; safe on cyclic objects and errors. */
export function redact(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return scrub(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  // Bytes (a file being uploaded, left in a failed request an SDK logs) would log as one key per byte.
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  // Deeper than anything we log on purpose: drop it rather than risk an unredacted secret.
  if (depth > 6) return '[truncated]';
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    const cause = (value as { cause?: unknown }).cause;
    return {
      name: value.name,
      message: scrub(messageOf(value), secrets),
      ...(typeof code === 'string' ? { code } : {}),
      ...(cause !== undefined ? { cause: redact(cause, secrets, depth + 1) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v != null && v !== '' ? '[redacted]' : redact(v, secrets, depth + 1);
  }
  return out;
}

/**
 * An error's message without a failed query's parameters: drizzle puts them in the message, and they
 * hold what people wrote and who they are (an anonymous message, an open_id).
 */
function messageOf(err: Error): string {
  return 'params' in err && 'query' in err ? err.message.replace(/\nparams: [\s\S]*$/, '') : err.message;
}

/** An error as one line for logs and error columns: name, message and the chain of causes, no query parameters. */
export function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e = err; e != null && parts.length < 4; e = (e as { cause?: unknown }).cause) {
    if (!(e instanceof Error)) {
      parts.push(String(e));
      break;
    }
    const code = (e as { code?: unknown }).code;
    parts.push(`${e.name}${typeof code === 'string' ? ` ${code}` : ''}: ${messageOf(e)}`);
  }
  return parts.join(' ← ');
}

function scrub(s: string, secrets: readonly string[]): string {
  let out = s;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

export function createLogger(opts: {
  level?: LogLevel;
  secrets?: readonly string[];
  sink?: LogSink;
  base?: Record<string, unknown>;
} = {}): Logger {
  const level = opts.level ?? 'info';
  const secrets = opts.secrets ?? [];
  const sink = opts.sink ?? ((line) => process.stdout.write(line + '\n'));
  const base = opts.base ?? {};
  const write = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const record = redact({ time: new Date().toISOString(), level: lvl, msg, ...base, ...fields }, secrets);
    sink(JSON.stringify(record));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ level, secrets, sink, base: { ...base, ...fields } }),
  };
}

/** A logger that keeps lines in memory; tests search them for secrets and anonymous identities. */
export function memoryLogger(level: LogLevel = 'debug', secrets: readonly string[] = []): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level, secrets, sink: (l) => lines.push(l) });
  return Object.assign(logger, { lines });
}

/**
 * The Lark SDK client, with what the SDK lacks added around it:
 *
 * - **one tenant_access_token per app, fetched single-flight** and refreshed before expiry. The SDK's
 *   own token cache has no single-flight and never drops a token Feishu calls invalid (99991663), so
 *   it is switched off (`disableTokenCache`) and every call carries `withTenantToken(token)`;
 * - **a redacting logger**: on a failed token request the SDK logs the request body, app_secret
 *   included;
 * - **a request timeout** (the default axios instance has none).
 *
 * The SDK (~60 MiB once loaded) is imported when the first client is made, so a server without
 * Feishu never loads it.
 */
import type * as lark from '@larksuiteoapi/node-sdk';
import type { FeishuConfig } from '../../config.ts';
import { redact, type Logger } from '../../log.ts';

/** Per-call options (here: the tenant token header). */
export type RequestOptions = ReturnType<typeof lark.withTenantToken>;

/** Feishu: "Invalid access token for authorization". */
export const CODE_INVALID_TOKEN = 99991663;
/** Refresh this long before Feishu's expiry (Feishu hands out a fresh token once < 30 min remain). */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;
const DEFAULT_TIMEOUT_MS = 10_000;

/** A failed token request. Carries Feishu's code/msg and HTTP status, never the request. */
export class FeishuTokenError extends Error {
  override name = 'FeishuTokenError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code?: number,
  ) {
    super(message);
  }
}

/** One token, fetched by one request at a time, reused until shortly before it expires. */
export class TenantTokenCache {
  private current?: { value: string; refreshAt: number };
  private inflight?: Promise<string>;

  constructor(
    private readonly fetchToken: () => Promise<{ token: string; expireSeconds: number }>,
    private readonly clock: () => number = Date.now,
  ) {}

  get(): Promise<string> {
    const t = this.current;
    if (t && this.clock() < t.refreshAt) return Promise.resolve(t.value);
    this.inflight ??= this.refresh();
    return this.inflight;
  }

  /** Forgets `value` if it is still the current token (a newer one is kept). */
  invalidate(value: string): void {
    if (this.current?.value === value) this.current = undefined;
  }

  /** The token in use, for log scrubbing. */
  peek(): string | undefined {
    return this.current?.value;
  }

  private async refresh(): Promise<string> {
    try {
      const { token, expireSeconds } = await this.fetchToken();
      const lifetime = expireSeconds * 1000;
      this.current = { value: token, refreshAt: this.clock() + Math.max(lifetime - REFRESH_MARGIN_MS, lifetime / 2) };
      return token;
    } finally {
      this.inflight = undefined;
    }
  }
}

/** Configured values that must never reach a log line. */
export function feishuSecrets(config: FeishuConfig): string[] {
  return [config.appSecret, config.encryptKey ?? '', config.verificationToken].filter(Boolean);
}

/** Adapts our Logger for the SDK: scrubs secret values and secret-named fields from everything it logs. */
export function larkLogger(log: Logger, secrets: () => readonly string[]): lark.Logger {
  const emit =
    (level: 'error' | 'warn' | 'info' | 'debug') =>
    (...args: unknown[]): void => {
      // The SDK's LoggerProxy passes its arguments as one array.
      const flat = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
      const known = secrets();
      const parts = flat.map((a) => redact(a, known));
      const text = parts.filter((p): p is string => typeof p === 'string').join(' ');
      const objects = parts.filter((p) => typeof p !== 'string');
      // Serialised and scrubbed once more as text: redact() leaves objects nested deeper than it walks.
      const details = objects.length > 0 ? scrubText(safeJson(objects), known) : undefined;
      log[level](`lark sdk: ${text || 'error'}`, details ? { details } : undefined);
    };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug'), trace: emit('debug') };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserialisable]';
  }
}

function scrubText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of [secret, JSON.stringify(secret).slice(1, -1)]) out = out.split(form).join('[redacted]');
  }
  return out;
}

/** Wraps an HttpInstance so every request has a timeout unless one is given. */
function withDefaultTimeout(base: lark.HttpInstance, timeoutMs: number): lark.HttpInstance {
  type Opts = Parameters<lark.HttpInstance['request']>[0];
  const t = (o?: Opts): Opts => ({ timeout: timeoutMs, ...o });
  return {
    request: (o) => base.request(t(o)),
    get: (url, o) => base.get(url, t(o)),
    delete: (url, o) => base.delete(url, t(o)),
    head: (url, o) => base.head(url, t(o)),
    options: (url, o) => base.options(url, t(o)),
    post: (url, data, o) => base.post(url, data, t(o)),
    put: (url, data, o) => base.put(url, data, t(o)),
    patch: (url, data, o) => base.patch(url, data, t(o)),
  } as lark.HttpInstance;
}

export interface FeishuClientOptions {
  config: FeishuConfig;
  log: Logger;
  /** E.g. a fetch-based instance on Workers. Must resolve to the response body, like the SDK's axios instance. */
  httpInstance?: lark.HttpInstance;
  timeoutMs?: number;
}

export interface FeishuClient {
  sdk: lark.Client;
  tokens: TenantTokenCache;
  /**
   * Runs one API call with the tenant token. If Feishu says the token is invalid (99991663, in a 2xx
   * body or an error response), the token is dropped, a new one fetched and the call retried once.
   */
  call<T>(fn: (options: RequestOptions) => Promise<T>): Promise<T>;
}

/** Feishu's business code in an SDK result or in the body of an SDK (axios) error. */
export function feishuCode(resultOrError: unknown): number | undefined {
  const r = resultOrError as { code?: unknown; response?: { data?: { code?: unknown } } } | undefined;
  const code = r?.response?.data?.code ?? r?.code;
  return typeof code === 'number' ? code : undefined;
}

let larkModule: Promise<typeof lark> | undefined;

export function createFeishuClient(opts: FeishuClientOptions): FeishuClient {
  const { config } = opts;
  const secrets = () => [...feishuSecrets(config), tokens.peek() ?? ''];
  let sdk: lark.Client | undefined;
  let withTenantToken: typeof lark.withTenantToken | undefined;
  const ready = (larkModule ??= import('@larksuiteoapi/node-sdk')).then((lark) => {
    withTenantToken = lark.withTenantToken;
    return (sdk = new lark.Client({
      appId: config.appId,
      appSecret: config.appSecret,
      domain: config.baseUrl,
      cache: new lark.DefaultCache(),
      disableTokenCache: true,
      httpInstance: withDefaultTimeout(
        opts.httpInstance ?? (lark.defaultHttpInstance as unknown as lark.HttpInstance),
        opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ),
      logger: larkLogger(opts.log, secrets),
      loggerLevel: lark.LoggerLevel.warn,
    }));
  });
  // A failed load fails each call that needs the SDK; it must not also be an unhandled rejection.
  ready.catch(() => {});

  const tokens = new TenantTokenCache(async () => {
    let res: { code?: number; msg?: string; tenant_access_token?: string; expire?: number; data?: { tenant_access_token?: string; expire?: number } };
    try {
      res = await (await ready).auth.v3.tenantAccessToken.internal({ data: { app_id: config.appId, app_secret: config.appSecret } });
    } catch (e) {
      const status = (e as { response?: { status?: number } }).response?.status;
      const code = feishuCode(e);
      const retryable = status === undefined || status === 429 || status >= 500;
      throw new FeishuTokenError(`tenant_access_token request failed${status ? ` (HTTP ${status}${code ? `, code ${code}` : ''})` : ''}`, retryable, code);
    }
    // The API answers at the top level; the SDK's types say `data` — read both.
    const token = res.tenant_access_token ?? res.data?.tenant_access_token;
    const expire = res.expire ?? res.data?.expire;
    if (res.code !== 0 || !token || !expire) {
      throw new FeishuTokenError(`tenant_access_token refused: code ${res.code ?? '?'} ${res.msg ?? ''}`.trim(), false, res.code);
    }
    return { token, expireSeconds: expire };
  });

  async function call<T>(fn: (options: RequestOptions) => Promise<T>): Promise<T> {
    await ready;
    const token = await tokens.get();
    try {
      const result = await fn(withTenantToken!(token));
      if (feishuCode(result) !== CODE_INVALID_TOKEN) return result;
    } catch (e) {
      if (feishuCode(e) !== CODE_INVALID_TOKEN) throw e;
    }
    opts.log.warn('feishu token rejected, fetching a new one');
    tokens.invalidate(token);
    return fn(withTenantToken!(await tokens.get()));
  }

  return {
    get sdk(): lark.Client {
      // Only used inside `call`, which waits for the SDK.
      if (!sdk) throw new Error('the Lark SDK is not loaded yet: use it inside call()');
      return sdk;
    },
    tokens,
    call,
  };
}

/**
 * A fetch-based `HttpInstance` for the Lark SDK, for runtimes where axios is not wanted (Workers).
 * It behaves like the SDK's default axios instance after its response interceptor:
 *
 * - a 2xx response resolves to the parsed body (or `{ data, headers }` when `$return_headers` is set);
 * - any other status rejects with an error carrying `response.{status, data, headers}` like an
 *   AxiosError, which is what the Feishu client and sender read codes and rate-limit resets from;
 * - `params` go through the SDK's own `paramsSerializer`; `timeout` aborts the request;
 * - a plain object sent as `multipart/form-data` (the SDK's uploads) becomes a FormData, as axios does.
 *
 * Errors never carry the request: its headers hold the tenant token and its body may hold the app secret.
 */
import type * as lark from '@larksuiteoapi/node-sdk';

type RequestOptions = Parameters<lark.HttpInstance['request']>[0];
type Body = NonNullable<RequestInit['body']>;

export interface FetchHttpResponse {
  status: number;
  data: unknown;
  /** Lower-cased names. */
  headers: Record<string, string>;
}

export class FetchHttpError extends Error {
  override name = 'FetchHttpError';
  constructor(
    message: string,
    /** `ETIMEDOUT`, `ERR_NETWORK`, or `ERR_BAD_RESPONSE` when the server answered with a non-2xx status. */
    readonly code: string,
    readonly response?: FetchHttpResponse,
  ) {
    super(message);
  }
}

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

export function fetchHttpInstance(opts: { fetch?: FetchFn } = {}): lark.HttpInstance {
  const doFetch: FetchFn = opts.fetch ?? ((input, init) => fetch(input, init));

  async function request(o: RequestOptions): Promise<unknown> {
    const method = (o.method ?? 'GET').toUpperCase();
    const url = withQuery(o.url ?? '', o.params, o.paramsSerializer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(o.headers ?? {})) if (v !== undefined && v !== null) headers.set(k, String(v));
    let body: Body | undefined;
    if (o.data !== undefined && o.data !== null && method !== 'GET' && method !== 'HEAD') {
      if (isRawBody(o.data)) {
        body = o.data;
      } else if (/multipart\/form-data/i.test(headers.get('content-type') ?? '')) {
        body = toFormData(o.data as Record<string, unknown>);
        headers.delete('content-type'); // fetch writes it with the boundary
      } else {
        body = JSON.stringify(o.data);
        if (!headers.has('content-type')) headers.set('content-type', 'application/json; charset=utf-8');
      }
    }
    let res: Response;
    try {
      res = await doFetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(o.timeout ? { signal: AbortSignal.timeout(o.timeout) } : {}),
      });
    } catch (e) {
      const name = (e as { name?: string })?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new FetchHttpError(`timeout of ${o.timeout}ms exceeded`, 'ETIMEDOUT');
      }
      throw new FetchHttpError(`network error: ${(e as Error)?.message ?? String(e)}`, 'ERR_NETWORK');
    }
    const responseHeaders: Record<string, string> = {};
    res.headers.forEach((value, key) => {
      responseHeaders[key] = value;
    });
    const data = await readBody(res, o.responseType);
    if (res.status < 200 || res.status >= 300) {
      throw new FetchHttpError(`Request failed with status code ${res.status}`, 'ERR_BAD_RESPONSE', {
        status: res.status,
        data,
        headers: responseHeaders,
      });
    }
    return o.$return_headers ? { data, headers: responseHeaders } : data;
  }

  const http = {
    request,
    get: (url: string, o?: RequestOptions) => request({ ...o, url, method: 'GET' }),
    delete: (url: string, o?: RequestOptions) => request({ ...o, url, method: 'DELETE' }),
    head: (url: string, o?: RequestOptions) => request({ ...o, url, method: 'HEAD' }),
    options: (url: string, o?: RequestOptions) => request({ ...o, url, method: 'OPTIONS' }),
    post: (url: string, data?: unknown, o?: RequestOptions) => request({ ...o, url, data, method: 'POST' }),
    put: (url: string, data?: unknown, o?: RequestOptions) => request({ ...o, url, data, method: 'PUT' }),
    patch: (url: string, data?: unknown, o?: RequestOptions) => request({ ...o, url, data, method: 'PATCH' }),
  };
  return http as unknown as lark.HttpInstance;
}

function withQuery(url: string, params: Record<string, unknown> | undefined, serializer: RequestOptions['paramsSerializer']): string {
  if (!params || Object.keys(params).length === 0) return url;
  let query: string;
  if (typeof serializer === 'function') {
    query = serializer(params);
  } else if (serializer && typeof serializer.serialize === 'function') {
    query = serializer.serialize(params, serializer);
  } else {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined || v === null) continue;
      for (const item of Array.isArray(v) ? v : [v]) search.append(k, String(item));
    }
    query = search.toString();
  }
  if (!query) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

/** Binary values become file parts named after the payload's `file_name`/`image_name` when it has one. */
function toFormData(data: Record<string, unknown>): FormData {
  const form = new FormData();
  const name = data.file_name ?? data.image_name ?? 'file';
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined || v === null) continue;
    if (v instanceof Blob) form.append(k, v, String(name));
    else if (ArrayBuffer.isView(v)) form.append(k, new Blob([new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice()]), String(name));
    else form.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  return form;
}

function isRawBody(data: unknown): data is Body {
  return typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)
    || data instanceof Blob || data instanceof FormData || data instanceof URLSearchParams || data instanceof ReadableStream;
}

async function readBody(res: Response, type: RequestOptions['responseType']): Promise<unknown> {
  if (type === 'arraybuffer') return res.arrayBuffer();
  if (type === 'blob') return res.blob();
  if (type === 'stream') return res.body;
  const text = await res.text();
  if (type === 'text' || text === '') return text;
  // Like axios: JSON when it parses, the text otherwise.
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

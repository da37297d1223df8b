import { z } from 'zod';
import { LimitsSyntaxError, parseLimits, type RateLimits } from './notify/rate-limit.ts';

/** Everything the service reads from the environment, parsed once at the edge. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  DATABASE_URL: z.string().optional(),
  PGLITE_DIR: z.string().default('.data/pglite'),
  ORG_TIMEZONE: z.string().default('Asia/Shanghai'),
  BOT_ADMINS: z.string().default(''),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  EXPORTS_DIR: z.string().default('.data/exports'),

  FEISHU_APP_ID: z.string().optional(),
  FEISHU_APP_SECRET: z.string().optional(),
  FEISHU_VERIFICATION_TOKEN: z.string().optional(),
  FEISHU_ENCRYPT_KEY: z.string().optional(),
  FEISHU_BASE_URL: z.string().default('https://open.feishu.cn'),
  FEISHU_MODE: z.enum(['webhook', 'ws']).default('webhook'),

  DINGTALK_APP_KEY: z.string().optional(),
  DINGTALK_APP_SECRET: z.string().optional(),
  DINGTALK_ROBOT_CODE: z.string().optional(),
  DINGTALK_API_BASE: z.string().default('https://api.dingtalk.com'),
  /** The legacy API host (media upload); derived from DINGTALK_API_BASE when unset. */
  DINGTALK_OAPI_BASE: z.string().optional(),
  DINGTALK_MODE: z.enum(['http', 'stream']).default('http'),

  /** Key for anonymous-identity encryption; derived from the app secrets when unset. */
  ANON_KEY: z.string().optional(),
  /** Outbound rate limits replacing the defaults, e.g. `feishu.app=25,feishu.minute=500` (see notify/rate-limit.ts). */
  SEND_LIMITS: z.string().default(''),
});

export interface FeishuConfig {
  appId: string;
  appSecret: string;
  verificationToken: string;
  encryptKey?: string;
  baseUrl: string;
  mode: 'webhook' | 'ws';
}

export interface DingTalkConfig {
  appKey: string;
  appSecret: string;
  robotCode: string;
  apiBase: string;
  /** The legacy API (`/media/upload`); see {@link oapiBaseOf}. */
  oapiBase?: string;
  mode: 'http' | 'stream';
}

export interface Config {
  port: number;
  databaseUrl?: string;
  pgliteDir: string;
  timezone: string;
  /** `platform:userId` strings. */
  admins: string[];
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Where the terminal chat saves the files the bot sends (chat platforms receive them in the chat). */
  exportsDir: string;
  feishu?: FeishuConfig;
  dingtalk?: DingTalkConfig;
  /** Secret for sealing anonymous identities and signing card actions. */
  serverKey: string;
  /** Outbound rate limits that replace the defaults of src/notify/rate-limit.ts. */
  sendLimits: Partial<RateLimits>;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid environment: ${issues}`);
  }
  const e = parsed.data;
  const feishu =
    e.FEISHU_APP_ID && e.FEISHU_APP_SECRET
      ? {
          appId: e.FEISHU_APP_ID,
          appSecret: e.FEISHU_APP_SECRET,
          verificationToken: requireVar(e.FEISHU_VERIFICATION_TOKEN, 'FEISHU_VERIFICATION_TOKEN', 'Feishu'),
          encryptKey: e.FEISHU_ENCRYPT_KEY || undefined,
          baseUrl: e.FEISHU_BASE_URL.replace(/\/+$/, ''),
          mode: e.FEISHU_MODE,
        }
      : undefined;
  const dingtalk =
    e.DINGTALK_APP_KEY && e.DINGTALK_APP_SECRET
      ? {
          appKey: e.DINGTALK_APP_KEY,
          appSecret: e.DINGTALK_APP_SECRET,
          robotCode: e.DINGTALK_ROBOT_CODE || e.DINGTALK_APP_KEY,
          apiBase: e.DINGTALK_API_BASE.replace(/\/+$/, ''),
          ...(e.DINGTALK_OAPI_BASE ? { oapiBase: e.DINGTALK_OAPI_BASE.replace(/\/+$/, '') } : {}),
          mode: e.DINGTALK_MODE,
        }
      : undefined;
  const serverKey =
    e.ANON_KEY ?? [feishu?.appSecret, dingtalk?.appSecret].filter(Boolean).join('|') ?? '';
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL || undefined,
    pgliteDir: e.PGLITE_DIR,
    timezone: e.ORG_TIMEZONE,
    admins: e.BOT_ADMINS.split(',').map((s) => s.trim()).filter(Boolean),
    logLevel: e.LOG_LEVEL,
    exportsDir: e.EXPORTS_DIR,
    feishu,
    dingtalk,
    serverKey: serverKey || 'local-development-key',
    sendLimits: limitsOf(e.SEND_LIMITS),
  };
}

function limitsOf(text: string): Partial<RateLimits> {
  try {
    return parseLimits(text);
  } catch (err) {
    if (err instanceof LimitsSyntaxError) throw new ConfigError(`SEND_LIMITS: ${err.message}`);
    throw err;
  }
}

/**
 * DingTalk's legacy API host: the configured one, else `oapi.` beside DingTalk's own `api.` host;
 * any other API base (a proxy, a test double) is taken to serve both.
 */
export function oapiBaseOf(c: DingTalkConfig): string {
  if (c.oapiBase) return c.oapiBase;
  const m = /^https:\/\/api\.dingtalk\.(com|io)$/i.exec(c.apiBase);
  return m ? `https://oapi.dingtalk.${m[1]!.toLowerCase()}` : c.apiBase;
}

function requireVar(value: string | undefined, name: string, platform: string): string {
  if (!value) throw new ConfigError(`${name} is required when ${platform} is configured`);
  return value;
}

/** Values that must never appear in a log line; the logger scrubs them from every message. */
export function secretsOf(c: Config): string[] {
  return [c.feishu?.appSecret, c.feishu?.encryptKey, c.feishu?.verificationToken, c.dingtalk?.appSecret, c.serverKey]
    .filter((s): s is string => Boolean(s));
}

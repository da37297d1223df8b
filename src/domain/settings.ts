/** Per-tenant settings: typed, with defaults, read leniently from stored JSON and validated strictly on change. */
import { z } from 'zod';
import { DEFAULT_TZ, localParts, zonedInstant } from './calendar.ts';
import { DEFAULT_COLLECTION_DAY } from './dues.ts';
import { DEFAULT_REMINDER_DAYS, MEETING_KINDS, MEETING_LABELS, defaultCadences, type Cadences } from './meetings.ts';
import { DEFAULT_MUST_TALK_REASONS } from './talks.ts';

export interface QuietHours {
  /** Local 'HH:MM'; start after end means the window crosses midnight. Equal means no quiet hours. */
  start: string;
  end: string;
}

export interface TenantSettings {
  quietHours: QuietHours;
  meetingCadences: Cadences;
  /** Days before a period ends to remind about a meeting not yet held, largest first. */
  meetingReminderDays: number[];
  duesCollectionDay: number;
  mustTalkReasons: string[];
  /** ISO weekday (1 = Monday) and local time of the weekly branch summary. */
  weeklySummary: { weekday: number; time: string };
  appealCategories: string[];
  appealDeadlines: {
    acceptWorkingDays: number;
    urgentAcceptHours: number;
    resolveWorkingDays: number;
    complexResolveWorkingDays: number;
  };
  /** Local rules for 发展党员 (domain.md §4, marked [local]). */
  development: { publicNoticeWorkingDays: number; thoughtReportCadence: 'month' | 'quarter' };
  /** 打卡、积分排名 and the like: off unless the tenant opts in (2024 rules against 指尖上的形式主义). */
  gamification: boolean;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) Object.values(v).forEach(deepFreeze);
  return Object.freeze(v);
}

export const DEFAULT_SETTINGS: Readonly<TenantSettings> = deepFreeze<TenantSettings>({
  quietHours: { start: '22:00', end: '08:00' },
  meetingCadences: { ...defaultCadences },
  meetingReminderDays: [...DEFAULT_REMINDER_DAYS],
  duesCollectionDay: DEFAULT_COLLECTION_DAY,
  mustTalkReasons: [...DEFAULT_MUST_TALK_REASONS],
  weeklySummary: { weekday: 5, time: '17:00' },
  appealCategories: ['工作条件', '薪酬福利', '安全生产', '生活困难', '意见建议', '其他'],
  // Local SOE practice (domain.md §6: 接诉即办 limits are [local]).
  appealDeadlines: { acceptWorkingDays: 1, urgentAcceptHours: 2, resolveWorkingDays: 7, complexResolveWorkingDays: 15 },
  // 公示不少于5个工作日 and 思想汇报每季度 are local rules (domain.md §4).
  development: { publicNoticeWorkingDays: 5, thoughtReportCadence: 'quarter' },
  gamification: false,
});

interface Field {
  label: string;
  hint: string;
  schema: z.ZodType;
}

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const TIME_HINT = '应写作 HH:MM（24小时制），例如 22:00';
const count = (min: number, max: number): Field => ({
  label: '', hint: `应为${min}至${max}之间的整数`, schema: z.int().min(min).max(max),
});
const withLabel = (label: string, f: Field): Field => ({ ...f, label });

const CADENCE_ALIASES: Record<string, string> = { 每月: 'month', 每季度: 'quarter', 每年: 'year', 不要求: 'none' };
const cadence = z.preprocess(
  (v) => (typeof v === 'string' ? CADENCE_ALIASES[v.trim()] ?? v.trim() : v),
  z.enum(['month', 'quarter', 'year', 'none']),
);

const labelList = (max: number) => z.array(z.string().trim().min(1).max(30)).min(1).max(max)
  .refine((xs) => new Set(xs).size === xs.length);

const SCALARS: Record<string, Field> = {
  meetingReminderDays: {
    label: '会议提醒提前天数',
    hint: '应为1至5个1至90之间的整数，例如 [7, 2]',
    schema: z.array(z.int().min(1).max(90)).min(1).max(5)
      .transform((xs) => [...new Set(xs)].sort((a, b) => b - a)),
  },
  duesCollectionDay: withLabel('党费收缴日', count(1, 28)),
  mustTalkReasons: { label: '必谈情形', hint: '应为1至20项不重复的文字，每项不超过30字', schema: labelList(20) },
  appealCategories: { label: '诉求类别', hint: '应为1至20项不重复的文字，每项不超过30字', schema: labelList(20) },
  gamification: { label: '打卡积分排名功能', hint: '应为 true 或 false', schema: z.boolean() },
};

const OBJECTS: Record<string, { label: string; sub: Record<string, Field> }> = {
  quietHours: {
    label: '免打扰时段',
    sub: {
      start: { label: '开始', hint: TIME_HINT, schema: HHMM },
      end: { label: '结束', hint: TIME_HINT, schema: HHMM },
    },
  },
  meetingCadences: {
    label: '会议频次',
    sub: Object.fromEntries(MEETING_KINDS.map((k) => [k, {
      label: MEETING_LABELS[k], hint: '应为每月、每季度、每年或不要求（month、quarter、year、none）', schema: cadence,
    }])),
  },
  weeklySummary: {
    label: '每周小结',
    sub: {
      weekday: withLabel('星期', { ...count(1, 7), hint: '应为1至7（1为星期一，7为星期日）' }),
      time: { label: '时间', hint: TIME_HINT, schema: HHMM },
    },
  },
  appealDeadlines: {
    label: '诉求办理时限',
    sub: {
      acceptWorkingDays: withLabel('受理（工作日）', count(1, 30)),
      urgentAcceptHours: withLabel('紧急诉求受理（小时）', count(1, 72)),
      resolveWorkingDays: withLabel('办结（工作日）', count(1, 90)),
      complexResolveWorkingDays: withLabel('复杂诉求办结（工作日）', count(1, 180)),
    },
  },
  development: {
    label: '发展党员本地规定',
    sub: {
      publicNoticeWorkingDays: withLabel('公示（工作日）', count(1, 30)),
      thoughtReportCadence: {
        label: '思想汇报频次', hint: '应为每月或每季度（month、quarter）',
        schema: z.preprocess((v) => (typeof v === 'string' ? CADENCE_ALIASES[v.trim()] ?? v : v), z.enum(['month', 'quarter'])),
      },
    },
  },
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Settings with defaults for anything missing or invalid, field by field (and key by key inside
 * objects). Accepts the stored object or its JSON text; never throws.
 */
export function parseSettings(raw: unknown): TenantSettings {
  let input: unknown = raw;
  if (typeof raw === 'string') {
    try { input = JSON.parse(raw); } catch { input = {}; }
  }
  const src = isPlainObject(input) ? input : {};
  const out = structuredClone(DEFAULT_SETTINGS) as unknown as Record<string, unknown>;
  for (const [key, field] of Object.entries(SCALARS)) {
    const r = field.schema.safeParse(src[key]);
    if (src[key] !== undefined && r.success) out[key] = r.data;
  }
  for (const [key, obj] of Object.entries(OBJECTS)) {
    const given = src[key];
    if (!isPlainObject(given)) continue;
    const target = out[key] as Record<string, unknown>;
    for (const [sub, field] of Object.entries(obj.sub)) {
      const r = field.schema.safeParse(given[sub]);
      if (given[sub] !== undefined && r.success) target[sub] = r.data;
    }
  }
  return out as unknown as TenantSettings;
}

export type SettingsPatch = { [K in keyof TenantSettings]?: TenantSettings[K] extends unknown[] | boolean | number
  ? TenantSettings[K] : Partial<TenantSettings[K]> };

export type PatchResult = { ok: true; patch: SettingsPatch } | { ok: false; errors: string[] };

/**
 * Checks a change a user asked for. Object fields may be partial (`{ quietHours: { start: '23:00' } }`).
 * Returns the normalised patch, or every problem as a Chinese sentence.
 */
export function validateSettingsPatch(patch: unknown): PatchResult {
  if (!isPlainObject(patch)) return { ok: false, errors: ['设置内容应为一组“设置项: 值”'] };
  const errors: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    const scalar = SCALARS[key];
    const obj = OBJECTS[key];
    if (scalar) {
      const r = scalar.schema.safeParse(value);
      if (r.success) out[key] = r.data;
      else errors.push(`${scalar.label}：${scalar.hint}`);
    } else if (obj) {
      if (!isPlainObject(value)) {
        errors.push(`${obj.label}：应分项填写（${Object.values(obj.sub).map((f) => f.label).join('、')}）`);
        continue;
      }
      const part: Record<string, unknown> = {};
      for (const [sub, v] of Object.entries(value)) {
        const field = obj.sub[sub];
        if (!field) { errors.push(`${obj.label}：没有“${sub}”这一项`); continue; }
        const r = field.schema.safeParse(v);
        if (r.success) part[sub] = r.data;
        else errors.push(`${obj.label}·${field.label}：${field.hint}`);
      }
      out[key] = part;
    } else {
      errors.push(`没有“${key}”这个设置项`);
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, patch: out as SettingsPatch };
}

/** Stored settings with a validated patch applied (object fields merged key by key). */
export function mergeSettings(stored: unknown, patch: SettingsPatch): Record<string, unknown> {
  const base = isPlainObject(stored) ? { ...stored } : {};
  for (const [key, value] of Object.entries(patch)) {
    base[key] = isPlainObject(value) && isPlainObject(base[key]) ? { ...base[key], ...value } : value;
  }
  return base;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function isQuietTime(
  instant: Date, tz: string = DEFAULT_TZ, quiet: QuietHours = DEFAULT_SETTINGS.quietHours,
): boolean {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  const p = localParts(instant, tz);
  const t = p.hour * 60 + p.minute;
  return start < end ? t >= start && t < end : t >= start || t < end;
}

/** When a message held back by quiet hours may go out: the next local end time, or `instant` if not quiet. */
export function endOfQuiet(
  instant: Date, tz: string = DEFAULT_TZ, quiet: QuietHours = DEFAULT_SETTINGS.quietHours,
): Date {
  if (!isQuietTime(instant, tz, quiet)) return instant;
  const p = localParts(instant, tz);
  const end = minutesOf(quiet.end);
  const nextDay = p.hour * 60 + p.minute >= end ? 1 : 0;
  return zonedInstant(p.year, p.month, p.day + nextDay, Math.floor(end / 60), end % 60, tz);
}

/** 党费: 《关于中国共产党党费收缴、使用和管理的规定》(中组发〔2008〕3号, "党费规定"). All money in fen. */
import { addMonths, daysInMonth, isLocalDate, isMonthKey, monthKeysBetween, monthsBetween } from './calendar.ts';

export const DUES_CATEGORIES = ['在职', '离退休', '学生', '下岗失业', '农民', '低保/抚恤', '核定'] as const;
export type DuesCategory = (typeof DUES_CATEGORIES)[number];

export function isDuesCategory(s: string): s is DuesCategory {
  return (DUES_CATEGORIES as readonly string[]).includes(s);
}

export interface DuesProfile {
  category: DuesCategory;
  /** Monthly base (税后工资 or 离退休费) for 在职 and 离退休. */
  baseFen?: number;
  /** The set amount for 农民 and 核定 (少交、免交 or 年初核定). */
  fixedFen?: number;
}

// 党费规定 Art.2 (在职) and Art.5 (离退休): rate in ‰ on the whole base up to each ceiling.
const IN_SERVICE: readonly [ceilingFen: number, permille: number][] = [
  [300_000, 5], [500_000, 10], [1_000_000, 15], [Infinity, 20],
];
const RETIRED: readonly [ceilingFen: number, permille: number][] = [[500_000, 5], [Infinity, 10]];

// 党费规定 Art.6: 学生、下岗失业、依靠抚恤或救济、领取低保 0.2 元; 农民 0.2–1 元.
const FIXED_MINIMUM_FEN = 20;
const FARMER_MAX_FEN = 100;

/** a / b rounded half up, for non-negative safe integers, without floating-point division. */
function divHalfUp(a: number, b: number): number {
  const twice = 2 * a + b;
  const den = 2 * b;
  return (twice - (twice % den)) / den;
}

const isFen = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** A Chinese message saying what is wrong with the profile, or undefined if it is usable. */
export function duesProfileError(p: DuesProfile): string | undefined {
  if (!isDuesCategory(p.category)) return `未知的党费类别：${String(p.category)}`;
  if (p.category === '在职' || p.category === '离退休') {
    if (!isFen(p.baseFen)) return `${p.category}党员须填写每月党费计算基数（元，保留到分）`;
  }
  if (p.category === '农民') {
    if (!isFen(p.fixedFen) || p.fixedFen < FIXED_MINIMUM_FEN || p.fixedFen > FARMER_MAX_FEN) {
      return '农民党员每月交纳党费0.2元至1元（党费规定第六条）';
    }
  }
  if (p.category === '核定' && !isFen(p.fixedFen)) return '核定党费须填写经批准的每月金额（免交填0）';
  return undefined;
}

/** Monthly dues in fen. Throws RangeError (Chinese message) on an unusable profile. */
export function monthlyDues(p: DuesProfile): number {
  const err = duesProfileError(p);
  if (err) throw new RangeError(err);
  switch (p.category) {
    case '在职':
    case '离退休': {
      const base = p.baseFen as number;
      const table = p.category === '在职' ? IN_SERVICE : RETIRED;
      const permille = table.find(([ceiling]) => base <= ceiling)?.[1] ?? 0;
      return divHalfUp(base * permille, 1000);
    }
    case '农民':
    case '核定':
      return p.fixedFen as number;
    default:
      return FIXED_MINIMUM_FEN;
  }
}

/** 9750 → '97.50'. */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`fen must be an integer, got ${fen}`);
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** '6500', '6,500.5', '¥97.50', '97.5元' → fen; undefined if not an amount with at most 2 decimals. */
export function parseYuan(text: string): number | undefined {
  const m = /^[¥￥]?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*元?$/.exec(text.trim());
  if (!m) return undefined;
  const fen = Number((m[1] ?? '').replaceAll(',', '')) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : undefined;
}

export interface DatedDuesProfile extends DuesProfile {
  /** 'YYYY-MM' from which this profile applies. */
  effectiveMonth: string;
}

export interface LedgerRow {
  month: string;
  /** null when no profile covers the month yet: the branch must set the base first. */
  amountFen: number | null;
  profile?: DatedDuesProfile;
}

/**
 * One row per month from the month the member became 预备党员 (党费规定 Art.8) through `until`.
 * Each month uses the latest profile effective on or before it: a new base applies from the month
 * the new pay is first received (Art.10).
 */
export function ledgerMonths(input: {
  probationarySince: string;
  profiles: readonly DatedDuesProfile[];
  until: string;
}): LedgerRow[] {
  if (!isLocalDate(input.probationarySince)) throw new RangeError(`Bad date: ${input.probationarySince}`);
  const sorted = [...input.profiles].sort((a, b) => monthsBetween(b.effectiveMonth, a.effectiveMonth));
  return monthKeysBetween(input.probationarySince.slice(0, 7), input.until).map((month) => {
    const profile = sorted.findLast((p) => monthsBetween(p.effectiveMonth, month) >= 0);
    return profile ? { month, amountFen: monthlyDues(profile), profile } : { month, amountFen: null };
  });
}

// 党费规定 Art.12: 补交一般不得超过6个月; the same limit for 预交 (上海 agency Q&A, domain.md §3).
export const MAX_BACK_MONTHS = 6;
export const MAX_ADVANCE_MONTHS = 6;

const monthZh = (key: string) => `${key.slice(0, 4)}年${Number(key.slice(5))}月`;

export type PaymentCheck = { ok: true } | { ok: false; error: string };

/** Refuses months more than 6 back (补交) or more than 6 ahead (预交) of the current month. */
export function validatePaymentMonths(input: { months: readonly string[]; currentMonth: string }): PaymentCheck {
  if (input.months.length === 0) return { ok: false, error: '请写明交纳哪个月的党费，例如 2026-11' };
  const bad = input.months.find((m) => !isMonthKey(m));
  if (bad !== undefined) return { ok: false, error: `月份格式不对：${bad}，应写作 YYYY-MM，例如 2026-11` };
  if (new Set(input.months).size !== input.months.length) return { ok: false, error: '同一个月份写了两次，请检查' };
  const earliest = addMonths(input.currentMonth, -MAX_BACK_MONTHS);
  const latest = addMonths(input.currentMonth, MAX_ADVANCE_MONTHS);
  const tooOld = input.months.filter((m) => monthsBetween(earliest, m) < 0).sort();
  if (tooOld.length > 0) {
    return {
      ok: false,
      error: `补交党费一般不超过6个月（党费规定第十二条），${monthZh(tooOld[0] as string)}已超出，`
        + `最早可补交${monthZh(earliest)}。更早的月份请与支部联系。`,
    };
  }
  const tooFar = input.months.filter((m) => monthsBetween(m, latest) < 0).sort();
  if (tooFar.length > 0) {
    return {
      ok: false,
      error: `预交党费一般不超过6个月（党费规定第十二条），${monthZh(tooFar[0] as string)}已超出，`
        + `最晚可预交到${monthZh(latest)}。`,
    };
  }
  return { ok: true };
}

/**
 * Unpaid months in a row, counting back from the month before `currentMonth` (the current month
 * is not yet overdue). A month with nothing owed (免交) or outside the ledger ends the run.
 */
export function consecutiveUnpaid(
  ledger: readonly { month: string; paid: boolean; amountFen?: number | null }[],
  currentMonth: string,
): number {
  const byMonth = new Map(ledger.map((r) => [r.month, r]));
  let n = 0;
  for (let m = addMonths(currentMonth, -1); ; m = addMonths(m, -1)) {
    const row = byMonth.get(m);
    if (!row || row.paid || row.amountFen === 0) return n;
    n++;
  }
}

export type Escalation = 'none' | 'remind' | 'talk' | 'warn_lapse' | 'flag_meeting';

/** The warning shown at 5 unpaid months. */
export const LAPSE_WARNING = '党员没有正当理由，连续六个月不交纳党费的，按自行脱党处理（党章第九条、党费规定第十三条）';

/**
 * 党费规定 Art.13 asks for criticism and a deadline early on; 党章 Art.9 makes 6 months without
 * good reason 自行脱党, to be decided by the 支部大会 and approved above.
 */
export function escalation(consecutiveUnpaidMonths: number): Escalation {
  const n = consecutiveUnpaidMonths;
  if (n >= 6) return 'flag_meeting';
  if (n >= 5) return 'warn_lapse';
  if (n >= 3) return 'talk';
  if (n >= 1) return 'remind';
  return 'none';
}

// 党支部每月相对固定一天收缴党费 (domain.md §3, S36); the 5th is our default.
export const DEFAULT_COLLECTION_DAY = 5;

/** The collection date in a month, clamped to the month's end. */
export function collectionDay(month: string, day: number = DEFAULT_COLLECTION_DAY): string {
  if (!isMonthKey(month)) throw new RangeError(`Not a YYYY-MM month key: ${month}`);
  const last = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5)));
  return `${month}-${String(Math.min(Math.max(1, Math.trunc(day)), last)).padStart(2, '0')}`;
}

/** Reading the free-form `key:value` options of `发展 登记`: 培训, 延长, 介绍人 and 材料 lists. */
import { UserError } from '../bot/errors.ts';

const NUMBER = '(\\d+(?:\\.\\d+)?)';
const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十一: 11, 十二: 12 };

/** `3天` / `3日` → days; `24学时` / `24小时` / `24课时` → hours. */
export function parseTraining(text: string): { trainingDays: number } | { trainingHours: number } {
  const t = text.replace(/\s+/g, '');
  const days = new RegExp(`^${NUMBER}(?:天|日)$`).exec(t);
  if (days) return { trainingDays: Number(days[1]) };
  const hours = new RegExp(`^${NUMBER}(?:学时|小时|课时)$`).exec(t);
  if (hours) return { trainingHours: Number(hours[1]) };
  throw new UserError(`“培训”应写明天数或学时，例如 培训:3天 或 培训:24学时，您输入的是“${text}”。`);
}

/** `6个月` / `6月` / `6` / `半年` / `一年` / `十个月` → months. */
export function parseMonths(text: string): number {
  const t = text.replace(/\s+/g, '');
  if (t === '半年') return 6;
  if (t === '一年' || t === '1年') return 12;
  const m = /^(\d+|[一二两三四五六七八九十]{1,3})(?:个)?(?:月)?$/.exec(t);
  const n = m ? (/^\d+$/.test(m[1]!) ? Number(m[1]) : CN_DIGITS[m[1]!]) : undefined;
  if (n === undefined) throw new UserError(`“延长”应写明月数，例如 延长:6个月，您输入的是“${text}”。`);
  return n;
}

/** `张三,李四` / `张三、李四` / `张三，李四` → names, empty parts dropped. */
export function splitList(text: string): string[] {
  return text.split(/[,，、;；]+/).map((s) => s.trim()).filter(Boolean);
}

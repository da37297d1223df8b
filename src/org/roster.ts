import type ExcelJS from 'exceljs';
import { newWorkbook } from '../excel.ts';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { auditLog, branches, members, partyGroups } from '../../db/schema/index.ts';
import { BRANCH_ROLES, MEMBER_STATUSES } from '../bot/roles.ts';

/** Roster columns, by their Chinese header. Only 姓名 and 支部 are required. */
export const ROSTER_COLUMNS = ['姓名', '工号', '支部', '党小组', '身份', '职务', '出生日期', '转预备日期', '转正日期'] as const;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(s + 'T00:00:00Z')) && new Date(s + 'T00:00:00Z').toISOString().startsWith(s), '不是有效日期');

const RowSchema = z.object({
  姓名: z.string({ error: '姓名不能为空' }).min(1, '姓名不能为空').max(40, '姓名过长'),
  工号: z.string().max(40).optional(),
  支部: z.string({ error: '支部不能为空' }).min(1, '支部不能为空').max(60),
  党小组: z.string().max(60).optional(),
  身份: z.enum(MEMBER_STATUSES, { message: `身份应为：${MEMBER_STATUSES.join('、')}` }).default('正式党员'),
  职务: z.array(z.enum(BRANCH_ROLES, { message: `职务应为：${BRANCH_ROLES.join('、')}` })).default([]),
  出生日期: isoDate.optional(),
  转预备日期: isoDate.optional(),
  转正日期: isoDate.optional(),
});
export type RosterRow = z.infer<typeof RowSchema>;

export interface RosterProblem {
  line: number;
  reason: string;
}

/** Reads a .csv or .xlsx roster into raw records keyed by header, with their line numbers. */
export async function readRoster(fileName: string, data: Buffer): Promise<Array<{ line: number; record: Record<string, string> }>> {
  const wb = await newWorkbook();
  const sheet = fileName.toLowerCase().endsWith('.xlsx')
    ? (await wb.xlsx.load(data as unknown as ArrayBuffer), wb.worksheets[0])
    : await wb.csv.read(Readable.from([data.toString('utf8').replace(/^\uFEFF/, '')]));
  if (!sheet) return [];
  const header: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => { header[col] = cellText(cell.value).trim(); });
  const out: Array<{ line: number; record: Record<string, string> }> = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    if (line === 1) return;
    const record: Record<string, string> = {};
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      const key = header[col];
      const value = cellText(cell.value).trim();
      if (key && value) record[key] = value;
    });
    if (Object.keys(record).length) out.push({ line, record });
  });
  return out;
}

function cellText(v: ExcelJS.CellValue): string {
  if (v == null) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object' && 'text' in v) return String(v.text);
  if (typeof v === 'object' && 'result' in v) return String(v.result ?? '');
  return String(v);
}

/** Validates every row; returns the typed rows or every problem with its line. */
export function validateRoster(records: Array<{ line: number; record: Record<string, string> }>):
  { ok: true; rows: RosterRow[] } | { ok: false; problems: RosterProblem[] } {
  const problems: RosterProblem[] = [];
  const rows: RosterRow[] = [];
  const seenNo = new Map<string, number>();
  if (records.length === 0) problems.push({ line: 1, reason: `文件中没有数据行。表头应为：${ROSTER_COLUMNS.join(',')}` });
  for (const { line, record } of records) {
    const unknown = Object.keys(record).filter((k) => !(ROSTER_COLUMNS as readonly string[]).includes(k));
    if (unknown.length) problems.push({ line, reason: `未知的列：${unknown.join('、')}` });
    const roles = record['职务'] ? record['职务'].split(/[,，、\s]+/).filter(Boolean) : undefined;
    const no = record['工号'];
    if (no) {
      if (seenNo.has(no)) problems.push({ line, reason: `工号 ${no} 与第 ${seenNo.get(no)} 行重复` });
      else seenNo.set(no, line);
    }
    const parsed = RowSchema.safeParse({ ...record, 职务: roles });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ line, reason: `${issue.path.join('.') || '行'}：${issue.message}` });
      continue;
    }
    rows.push(parsed.data);
  }
  return problems.length ? { ok: false, problems } : { ok: true, rows };
}

/** Imports validated rows in one transaction: all or nothing. Missing branches and 党小组 are created. */
export async function importRoster(db: Db, tenantId: number, rows: RosterRow[], actor: string): Promise<{ members: number; branches: string[] }> {
  return db.transaction(async (tx) => {
    const createdBranches: string[] = [];
    const branchIds = new Map<string, number>();
    for (const name of new Set(rows.map((r) => r.支部))) {
      const [found] = await tx.select().from(branches).where(and(eq(branches.tenantId, tenantId), eq(branches.name, name)));
      if (found) branchIds.set(name, found.id);
      else {
        const [b] = await tx.insert(branches).values({ tenantId, name }).returning();
        branchIds.set(name, b!.id);
        createdBranches.push(name);
      }
    }
    for (const r of rows) {
      const branchId = branchIds.get(r.支部)!;
      let partyGroupId: number | null = null;
      if (r.党小组) {
        await tx.insert(partyGroups).values({ tenantId, branchId, name: r.党小组 }).onConflictDoNothing();
        const [g] = await tx.select().from(partyGroups).where(and(eq(partyGroups.branchId, branchId), eq(partyGroups.name, r.党小组)));
        partyGroupId = g!.id;
      }
      const [m] = await tx.insert(members).values({
        tenantId, branchId, partyGroupId, name: r.姓名, employeeNo: r.工号 ?? null, status: r.身份,
        roles: r.职务, birthDate: r.出生日期 ?? null, probationarySince: r.转预备日期 ?? null, fullSince: r.转正日期 ?? null,
      }).returning();
      await tx.insert(auditLog).values({ tenantId, actor, action: 'import', entity: 'member', entityId: String(m!.id), after: m });
    }
    return { members: rows.length, branches: createdBranches };
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { auditLog, branches, members } from '../../db/schema/index.ts';
import { importRoster, readRoster, validateRoster } from '../../src/org/roster.ts';
import { resolveTenant } from '../../src/bot/tenancy.ts';
import { createTestDb } from '../helpers/db.ts';
import type { DbHandle } from '../../db/client.ts';

const GOOD_CSV = [
  '姓名,工号,支部,党小组,身份,职务,出生日期,转预备日期,转正日期',
  '王建国,E001,第一党支部,第一党小组,正式党员,书记,1980-05-01,2007-07-01,2008-07-01',
  '"李红",E002,第一党支部,,正式党员,"组织委员,副书记",,,',
  '林晓,E003,第二党支部,,入党积极分子,,2001-02-28,,',
].join('\n');

describe('roster import', () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await createTestDb();
  });
  afterAll(() => h.close());

  it('reads, validates and imports a CSV, creating missing branches, all in one go', async () => {
    const records = await readRoster('roster.csv', Buffer.from('\uFEFF' + GOOD_CSV));
    const checked = validateRoster(records);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.rows[1]!.职务).toEqual(['组织委员', '副书记']);
    const tenant = await resolveTenant(h.db, 'console', 'roster-a');
    const result = await importRoster(h.db, tenant.id, checked.rows, 'system:test');
    expect(result).toEqual({ members: 3, branches: ['第一党支部', '第二党支部'] });
    const rows = await h.db.select().from(members).where(eq(members.tenantId, tenant.id));
    expect(rows.map((r) => r.name).sort()).toEqual(['李红', '林晓', '王建国'].sort());
    expect(await h.db.select().from(auditLog).where(eq(auditLog.tenantId, tenant.id))).toHaveLength(3);
  });

  it('reads an .xlsx with the same columns', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名册');
    ws.addRow(['姓名', '支部', '身份', '出生日期']);
    ws.addRow(['赵强', '第三党支部', '预备党员', new Date('1990-01-02T00:00:00Z')]);
    const data = Buffer.from(await wb.xlsx.writeBuffer());
    const checked = validateRoster(await readRoster('roster.xlsx', data));
    expect(checked).toMatchObject({ ok: true, rows: [{ 姓名: '赵强', 支部: '第三党支部', 身份: '预备党员', 出生日期: '1990-01-02' }] });
  });

  it('rejects the whole file and names every bad row with its line and reason', async () => {
    const csv = [
      '姓名,工号,支部,身份,职务,出生日期,籍贯',
      '张三,E1,第一党支部,正式党员,书记,1980-01-01,',
      ',E2,第一党支部,正式党员,,,',
      '李四,E1,第一党支部,党员,班长,1980-02-30,',
      '王五,E3,,正式党员,,,北京',
    ].join('\n');
    const checked = validateRoster(await readRoster('bad.csv', Buffer.from(csv)));
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    const byLine = (n: number) => checked.problems.filter((p) => p.line === n).map((p) => p.reason).join(' | ');
    expect(byLine(2)).toBe('');
    expect(byLine(3)).toContain('姓名不能为空');
    expect(byLine(4)).toContain('身份应为');
    expect(byLine(4)).toContain('职务应为');
    expect(byLine(4)).toContain('不是有效日期');
    expect(byLine(4)).toContain('工号 E1 与第 2 行重复');
    expect(byLine(5)).toContain('未知的列：籍贯');
    expect(byLine(5)).toContain('支部');
  });

  it('imports nothing when the database refuses one row', async () => {
    const tenant = await resolveTenant(h.db, 'console', 'roster-b');
    const rows = validateRoster(await readRoster('r.csv', Buffer.from('姓名,工号,支部\n甲,X1,新支部\n乙,X2,新支部'))) as { ok: true; rows: never[] };
    await importRoster(h.db, tenant.id, rows.rows, 'system:test');
    const again = validateRoster(await readRoster('r.csv', Buffer.from('姓名,工号,支部\n丙,X3,另一支部\n丁,X1,另一支部'))) as { ok: true; rows: never[] };
    await expect(importRoster(h.db, tenant.id, again.rows, 'system:test')).rejects.toThrow();
    const names = (await h.db.select().from(members).where(eq(members.tenantId, tenant.id))).map((m) => m.name);
    expect(names.sort()).toEqual(['乙', '甲']);
    expect((await h.db.select().from(branches).where(eq(branches.tenantId, tenant.id))).map((b) => b.name)).toEqual(['新支部']);
  });
});

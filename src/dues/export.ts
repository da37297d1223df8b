/** `党费 导出`: the year's ledger and payments as an .xlsx workbook. */
import type ExcelJS from 'exceljs';
import { newWorkbook } from '../excel.ts';
import type { PaymentRow } from './payments.ts';
import { monthsZh } from './months.ts';
import { STATE_ZH, yearTotals, type YearRow } from './year.ts';

const yuan = (fen: number) => fen / 100;
const MONEY = '#,##0.00';

export interface ExportInput {
  branchName: string;
  year: number;
  rows: readonly YearRow[];
  payments: readonly PaymentRow[];
  names: ReadonlyMap<number, string>;
  /** Local 'YYYY-MM-DD HH:mm' shown on the sheet. */
  generatedAt: string;
  tz: string;
}

export async function duesWorkbook(input: ExportInput): Promise<Buffer> {
  const wb = await newWorkbook();
  wb.creator = '党支部助手';
  const ledger = wb.addWorksheet('党费台账');
  ledger.addRow([`${input.branchName} ${input.year}年党费收缴台账`]);
  ledger.addRow([`生成时间：${input.generatedAt}（${input.tz}）　单位：元`]);
  const header = ['姓名', '身份', ...Array.from({ length: 12 }, (_, i) => `${i + 1}月`), '应交', '已交', '待确认', '未交', '预交'];
  ledger.addRow(header).font = { bold: true };
  for (const r of input.rows) {
    const cells = r.months.map((e) => (e ? `${STATE_ZH[e.state]} ${(e.amountFen / 100).toFixed(2)}` : '—'));
    ledger.addRow([r.name, r.status, ...cells, yuan(r.dueFen), yuan(r.paidFen), yuan(r.pendingFen), yuan(r.owedFen), yuan(r.advanceFen)]);
  }
  const t = yearTotals(input.rows);
  ledger.addRow(['合计', '', ...Array(12).fill(''), yuan(t.dueFen), yuan(t.paidFen), yuan(t.pendingFen), yuan(t.owedFen), yuan(t.advanceFen)]).font = { bold: true };
  for (let c = 15; c <= 19; c++) ledger.getColumn(c).numFmt = MONEY;
  ledger.getColumn(1).width = 12;
  for (let c = 3; c <= 14; c++) ledger.getColumn(c).width = 12;

  const pays = wb.addWorksheet('交纳记录');
  pays.addRow(['编号', '党员', '月份', '金额', '应交', '登记人', '登记时间', '确认人', '确认时间', '状态', '备注']).font = { bold: true };
  const fmt = (d: Date | null) => (d ? d.toLocaleString('zh-CN', { timeZone: input.tz, hour12: false }) : '');
  for (const p of input.payments) {
    pays.addRow([
      p.id, input.names.get(p.memberId) ?? '', monthsZh(p.months), yuan(p.amountFen), yuan(p.dueFen),
      input.names.get(p.recordedBy) ?? '', fmt(p.recordedAt), p.confirmedBy ? input.names.get(p.confirmedBy) ?? '' : '',
      fmt(p.confirmedAt), p.status === 'confirmed' ? '已收讫' : p.status === 'cancelled' ? `已撤销：${p.cancelReason ?? ''}` : '待确认', p.note ?? '',
    ]);
  }
  pays.getColumn(4).numFmt = MONEY;
  pays.getColumn(5).numFmt = MONEY;
  pays.getColumn(3).width = 24;

  return Buffer.from(await wb.xlsx.writeBuffer());
}

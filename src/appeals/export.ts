/** The 问题台账 as an .xlsx: one sheet of appeals, one of figures, categories and recurring words. */
import type ExcelJS from 'exceljs';
import { newWorkbook } from '../excel.ts';
import type { RecurringTerm } from '../domain/appeals.ts';
import { COMPLEXITY_LABELS, URGENCY_LABELS, stateLabel, when } from './format.ts';
import { percent, stars, type AppealFigures } from './figures.ts';
import type { LedgerRow } from './ledger.ts';

const COLUMNS = [
  ['编号', 16], ['类别', 12], ['紧急程度', 10], ['复杂程度', 10], ['提交人', 12], ['提交时间', 18], ['承办人', 10],
  ['状态', 12], ['受理时限', 18], ['办结时间', 18], ['按时办结', 10], ['满意度', 8], ['评价意见', 30], ['诉求内容', 50],
  ['办理结果', 50],
] as const;

export interface LedgerExport {
  title: string;
  rows: readonly LedgerRow[];
  figures: AppealFigures;
  categories: readonly { category: string; count: number }[];
  terms: readonly RecurringTerm[];
  tz: string;
  now: Date;
}

export async function ledgerWorkbook(x: LedgerExport): Promise<Buffer> {
  const wb = await newWorkbook();
  wb.title = x.title;
  wb.created = x.now;
  const ws = wb.addWorksheet('诉求台账', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = COLUMNS.map(([header, width]) => ({ header, width }));
  ws.getRow(1).font = { bold: true };
  for (const { appeal: a, submitter, handler } of x.rows) {
    ws.addRow([
      a.number, a.category, URGENCY_LABELS[a.urgency] ?? a.urgency, COMPLEXITY_LABELS[a.complexity] ?? a.complexity, submitter,
      when(a.submittedAt, x.tz), handler ?? '', stateLabel(a.state), when(a.acceptBy, x.tz),
      a.resolvedAt ? when(a.resolvedAt, x.tz) : '', a.resolvedOnTime === null ? '' : a.resolvedOnTime ? '是' : '否',
      a.rating ?? '', a.ratingComment ?? '', a.content, a.result ?? '',
    ]);
  }
  const st = wb.addWorksheet('统计');
  st.columns = [{ header: '项目', width: 20 }, { header: '数值', width: 16 }];
  st.getRow(1).font = { bold: true };
  const f = x.figures;
  st.addRows([
    ['收到诉求', f.received], ['办结', f.resolved], ['按时办结', f.resolvedOnTime], ['按时办结率', percent(f.onTimeRate)],
    ['办结率', percent(f.closureRate)], ['评价数', f.rated], ['平均满意度', stars(f.averageRating)], [],
    ['类别', '件数'], ...x.categories.map((c) => [c.category, c.count]), [],
    ['高频词', '涉及件数'], ...x.terms.map((t) => [t.term, t.count]),
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

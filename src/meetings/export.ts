/** The year's meeting ledger as an .xlsx: one sheet of records (the 会议记录 fields), one of compliance. */
import type ExcelJS from 'exceljs';
import { newWorkbook } from '../excel.ts';
import { formatDate, formatDateTime } from '../bot/time.ts';
import { MEETING_LABELS, type ComplianceEntry } from '../domain/meetings.ts';
import { CADENCE_LABELS, periodLabel } from './format.ts';
import type { MeetingRecord } from './store.ts';

const RECORD_COLUMNS = [
  ['编号', 8], ['会议类型', 16], ['党小组', 14], ['召开时间', 18], ['地点', 18], ['主题', 30], ['主持人', 10], ['记录人', 10],
  ['应到人数', 10], ['实到人数', 10], ['到会人员', 40], ['缺席人员及原因', 40], ['决议', 40],
  ['有表决权正式党员', 12], ['有表决权到会', 12], ['法定人数', 12], ['表决事项', 30], ['赞成票', 8], ['表决结果', 10],
] as const;

const COMPLIANCE_COLUMNS = [['会议类型', 16], ['党小组', 14], ['频次', 8], ['期间', 18], ['状态', 10], ['召开日期', 14]] as const;

const STATUS_LABELS = { held: '已召开', missing: '未召开', open: '尚未召开' } as const;

const yesNo = (b: boolean | null, yes: string, no: string) => (b === null ? '' : b ? yes : no);

function recordRow(r: MeetingRecord, tz: string): (string | number)[] {
  const present = r.attendance.filter((a) => a.present);
  const absent = r.attendance.filter((a) => !a.present);
  return [
    r.id, MEETING_LABELS[r.kind], r.groupName ?? '', formatDateTime(r.heldAt, tz), r.place ?? '', r.topic ?? '',
    r.hostName ?? '', r.recorderName ?? '', r.attendance.length, present.length,
    present.map((a) => a.name).join('、'),
    absent.map((a) => `${a.name}（${a.absenceReason ?? '未注明原因'}）`).join('、'),
    r.decisions ?? '', r.eligibleVoters ?? '', r.presentVoters ?? '', yesNo(r.quorate, '达到', '未达到'),
    r.voteItem ?? '', r.inFavour ?? '', r.voteItem === null ? '' : yesNo(r.passed, '通过', '未通过'),
  ];
}

function sheet(wb: ExcelJS.Workbook, name: string, columns: readonly (readonly [string, number])[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map(([header, width]) => ({ header, width }));
  ws.getRow(1).font = { bold: true };
  return ws;
}

export async function ledgerWorkbook(input: {
  title: string;
  records: readonly MeetingRecord[];
  compliance: readonly ComplianceEntry[];
  tz: string;
  now: Date;
}): Promise<Buffer> {
  const wb = await newWorkbook();
  wb.title = input.title;
  wb.created = input.now;
  const records = sheet(wb, '会议记录', RECORD_COLUMNS);
  for (const r of input.records) records.addRow(recordRow(r, input.tz));
  const comp = sheet(wb, '落实情况', COMPLIANCE_COLUMNS);
  for (const e of input.compliance) {
    comp.addRow([MEETING_LABELS[e.kind], e.partyGroupName ?? '', CADENCE_LABELS[e.cadence], periodLabel(e.period.key),
      STATUS_LABELS[e.status], e.heldAt ? formatDate(e.heldAt, input.tz) : '']);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

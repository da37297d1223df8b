/**
 * `发展 导出`: the branch's 发展党员工作台账 as an .xlsx — one row per person with the date of each of
 * the 25 steps, and one row per recorded step.
 */
import type ExcelJS from 'exceljs';
import { newWorkbook } from '../excel.ts';
import { formatDateTime } from '../bot/time.ts';
import { STAGES, STEPS, probationEnd, type DevelopmentSettings } from '../domain/development.ts';
import { detailsText, stepLabel } from './format.ts';
import { toRecord, type PersonSteps, type StepRow } from './store.ts';
import { obligationLine, openObligations } from './timeline.ts';

export const LEDGER_SHEET = '发展党员工作台账';
export const STEPS_SHEET = '步骤明细';

export const LEDGER_HEADERS = [
  '序号', '姓名', '工号', '出生日期', '当前身份', ...STEPS.map((s) => stepLabel(s.no)),
  '入党介绍人', '培养联系人', '预备期满', '转正日期', '时间节点',
];
export const STEP_HEADERS = ['姓名', '阶段', '步骤', '日期', '经办', '材料', '详情', '备注', '登记人', '登记时间'];

const datesOf = (steps: readonly StepRow[], no: number) => steps.filter((r) => r.step === no).map((r) => r.date).join('、');

function ledgerRow(i: number, p: PersonSteps, settings: DevelopmentSettings, today: string): (string | number)[] {
  const { member, steps } = p;
  const introducers = steps.filter((r) => r.step === 9).flatMap((r) => r.details.introducers ?? []).map((x) => x.name);
  const contacts = steps.filter((r) => r.step === 5).map((r) => r.doneBy ?? '').filter(Boolean);
  return [
    i + 1, member.name, member.employeeNo ?? '', member.birthDate ?? '', member.status,
    ...STEPS.map((s) => datesOf(steps, s.no)),
    introducers.join('、'), contacts.join('、'), probationEnd(steps.map(toRecord)) ?? '', member.fullSince ?? '',
    openObligations(member, steps, settings, today).map(obligationLine).join('\n'),
  ];
}

function sheet(wb: ExcelJS.Workbook, name: string, headers: readonly string[], widths: (h: string) => number): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1, xSplit: 2 }] });
  ws.columns = headers.map((header) => ({ header, width: widths(header) }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).alignment = { wrapText: true, vertical: 'middle' };
  return ws;
}

export async function ledgerWorkbook(input: {
  branchName: string; people: readonly PersonSteps[]; settings: DevelopmentSettings; today: string; now: Date; tz: string;
}): Promise<Buffer> {
  const wb = await newWorkbook();
  wb.creator = '党支部助手';
  wb.title = `${input.branchName}${LEDGER_SHEET}`;
  wb.created = input.now;
  const ledger = sheet(wb, LEDGER_SHEET, LEDGER_HEADERS, (h) => (h === '时间节点' ? 50 : h === '序号' ? 6 : 12));
  input.people.forEach((p, i) => {
    ledger.addRow(ledgerRow(i, p, input.settings, input.today)).alignment = { wrapText: true, vertical: 'top' };
  });
  const detail = sheet(wb, STEPS_SHEET, STEP_HEADERS, (h) => (['材料', '详情', '备注'].includes(h) ? 36 : h === '阶段' ? 26 : 16));
  for (const { member, steps } of input.people) {
    for (const r of steps) {
      const stage = STAGES[STEPS[r.step - 1]!.stage - 1]!.name;
      detail.addRow([member.name, stage, stepLabel(r.step), r.date, r.doneBy ?? '', r.documents.join('、'),
        detailsText(r.details), r.note ?? '', r.recordedByName, formatDateTime(r.recordedAt, input.tz)]);
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

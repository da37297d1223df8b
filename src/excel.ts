/**
 * exceljs, loaded on first use: it costs ~27 MiB of memory once imported, and only exports and roster
 * imports need it, so a server that never runs one never loads it.
 */
import type { Workbook } from 'exceljs';

let loading: Promise<typeof import('exceljs')> | undefined;

/** A new, empty workbook. */
export async function newWorkbook(): Promise<Workbook> {
  loading ??= import('exceljs');
  const mod = await loading;
  // CommonJS under ESM: the classes sit on the default export.
  const ExcelJS = (mod as { default?: typeof mod }).default ?? mod;
  return new ExcelJS.Workbook();
}

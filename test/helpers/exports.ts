import ExcelJS from 'exceljs';

/**
 * The file a console reply delivered: the console sender writes it out and prints
 * `[文件] <name> 已保存到 <path>`. Throws when the reply carries no file.
 */
export async function deliveredWorkbook(reply: string): Promise<{ name: string; path: string; workbook: ExcelJS.Workbook }> {
  const m = /\[文件\] (\S+) 已保存到 (.+\.xlsx)$/m.exec(reply);
  if (!m) throw new Error(`no file in reply:\n${reply}`);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(m[2]!);
  return { name: m[1]!, path: m[2]!, workbook };
}

/** Every cell of every sheet, as text (for "never appears anywhere" checks). */
export function workbookText(wb: ExcelJS.Workbook): string {
  const out: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => out.push(String(c.text)))));
  return out.join('\n');
}

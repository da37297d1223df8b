/** Stores the files replies carry and loads them back for the platform senders. */
import { eq, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { exportFiles } from '../../db/schema/index.ts';
import type { FileReply } from '../bot/types.ts';

/** Long enough for every retry and quiet-hours hold of the outbox row that sends the file. */
export const FILE_RETENTION_MS = 7 * 24 * 3600_000;

export interface StoredFile {
  fileName: string;
  content: Buffer;
}

/** Loads a stored file by id; undefined once it has been pruned. */
export type FileSource = (fileId: number) => Promise<StoredFile | undefined>;

/** Characters no platform or file system takes in a file name. */
export function safeFileName(name: string): string {
  return name.replace(/[\\/:*?"<>|\s]+/g, '_');
}

/** Stores `content` for the tenant, prunes files older than a week, and returns the reply that sends it. */
export async function fileReply(
  db: Db,
  input: { tenantId: number; fileName: string; content: Buffer; now: Date; caption?: string },
): Promise<FileReply> {
  await db.delete(exportFiles).where(lt(exportFiles.createdAt, new Date(input.now.getTime() - FILE_RETENTION_MS)));
  const fileName = safeFileName(input.fileName);
  const [row] = await db.insert(exportFiles)
    .values({ tenantId: input.tenantId, fileName, content: input.content, createdAt: input.now })
    .returning({ id: exportFiles.id });
  return { kind: 'file', fileId: row!.id, fileName, ...(input.caption ? { caption: input.caption } : {}) };
}

export function fileSource(db: Db): FileSource {
  return async (fileId) => {
    const [row] = await db.select({ fileName: exportFiles.fileName, content: exportFiles.content })
      .from(exportFiles).where(eq(exportFiles.id, fileId));
    return row;
  };
}

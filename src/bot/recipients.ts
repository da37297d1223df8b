import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { identities, tenants } from '../../db/schema/index.ts';
import type { Platform, Recipient } from './types.ts';

/** Every platform account bound to a member, as private-message recipients. */
export async function recipientsOf(db: Db, tenantId: number, memberId: number): Promise<Recipient[]> {
  const rows = await db
    .select({ platform: identities.platform, userId: identities.userId, tenantKey: tenants.externalKey })
    .from(identities)
    .innerJoin(tenants, eq(tenants.id, identities.tenantId))
    .where(and(eq(identities.tenantId, tenantId), eq(identities.memberId, memberId)));
  return rows.map((r) => ({ platform: r.platform as Platform, kind: 'user', id: r.userId, tenantKey: r.tenantKey }));
}

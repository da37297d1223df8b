/** Changing one of the tenant's settings from a command: checked, stored and audited together. */
import { eq } from 'drizzle-orm';
import { tenants } from '../../db/schema/index.ts';
import type { CommandContext } from '../bot/context.ts';
import { UserError } from '../bot/errors.ts';
import { mergeSettings, parseSettings, validateSettingsPatch, type TenantSettings } from '../domain/settings.ts';

/**
 * Validates `patch` (a bad value is a UserError naming it, then `example`), stores the merged settings
 * and audits the patched keys before and after. Returns the tenant's settings as they now are.
 */
export async function updateTenantSettings<K extends keyof TenantSettings>(
  ctx: CommandContext, patch: Pick<TenantSettings, K>, example = '',
): Promise<TenantSettings> {
  const checked = validateSettingsPatch(patch);
  if (!checked.ok) throw new UserError(`${checked.errors.join('；')}。${example}`);
  const settings = mergeSettings(ctx.tenant.settings, checked.patch);
  await ctx.db.update(tenants).set({ settings }).where(eq(tenants.id, ctx.tenant.id));
  const keys = Object.keys(patch) as K[];
  const pick = (s: TenantSettings) => Object.fromEntries(keys.map((k) => [k, s[k]]));
  const after = parseSettings(settings);
  await ctx.audit({ action: 'update', entity: 'tenant-settings', entityId: ctx.tenant.id, before: pick(parseSettings(ctx.tenant.settings)), after: pick(after) });
  return after;
}

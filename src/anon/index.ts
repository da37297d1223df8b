/**
 * Anonymous routing, shared by 匿名谈心 (commands/anon.ts) and anonymous appeals. The rules every
 * user of this module keeps:
 * - never log, show, audit or put in a dedupe key the writer's member id, name or platform ids;
 * - store no message text: deliver it through `deliverAnonymously` and forget it;
 * - check who may write to a handle before `memberBehind`'s result is used for anything.
 */
export { anonKey, configureAnonKey } from './key.ts';
export { AnonSealError, keyedHash, openIdentity, sealIdentity, type AnonIdentity } from './seal.ts';
export { findHandle, formatHandle, handleFor, memberBehind, parseHandle, type AnonScope } from './handles.ts';
export { takeAnonQuota, type QuotaResult } from './quota.ts';
export { anonDedupeKey, auditAnonymously, deliverAnonymously } from './route.ts';

// One file per concern; each feature adds its own file here.
export * from './core.ts';
export * from './outbox.ts';
export * from './development.ts';
export * from './meetings.ts';
export * from './talks.ts';
export * from './anon.ts';
export * from './appeals.ts';
export * from './dues.ts';
export * from './files.ts';

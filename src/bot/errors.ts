/**
 * A refusal or bad input the user can fix. The message is Chinese and shown as is; the transaction
 * around the command is rolled back, so nothing is half-written.
 */
export class UserError extends Error {
  override name = 'UserError';
  constructor(message: string, readonly usage?: string) {
    super(message);
  }
}

/** The asker lacks the role or scope a command needs. */
export class PermissionError extends UserError {
  override name = 'PermissionError';
}

/** Two commands claim the same name or alias; thrown at start. */
export class DuplicateCommandError extends Error {
  override name = 'DuplicateCommandError';
}

/**
 * The server key anonymous routing seals with. Command handlers do not receive the configuration,
 * so the host hands the key over at start (`configureAnonKey(config.serverKey)`); until it does, the
 * key is read from the environment exactly as `loadConfig` reads it, which is what the Node host
 * and the console use, so both agree.
 */
import { loadConfig } from '../config.ts';

let configured: string | undefined;

export function configureAnonKey(serverKey: string): void {
  if (!serverKey) throw new Error('anonymous routing needs a non-empty server key');
  configured = serverKey;
}

export function anonKey(): string {
  configured ??= loadConfig(process.env).serverKey;
  return configured;
}

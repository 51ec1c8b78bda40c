/**
 * Exit codes of `pqmsg`, decided in this one place (docs/CLIENT.md "Exit codes"):
 *   0 ok · 1 usage (bad arguments, no store, unknown contact) · 2 network or server refusal ·
 *   3 refused for trust or crypto reasons (wrong passphrase, tampered store, identity change).
 * Side channels: n/a.
 */
import { ClientError, CryptoError, DecodeError, ProtocolError, ServerError } from '../util/errors.ts';

export const EXIT = Object.freeze({ OK: 0, USAGE: 1, NETWORK: 2, TRUST: 3 });

/** Usage failure raised by the CLI itself (bad option values). */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const CLIENT_EXIT: Record<ClientError['code'], number> = {
  NOT_INITIALIZED: EXIT.USAGE,
  ALREADY_INITIALIZED: EXIT.USAGE,
  BAD_NAME: EXIT.USAGE,
  NOT_REGISTERED: EXIT.USAGE,
  UNKNOWN_CONTACT: EXIT.USAGE,
  WRONG_PASSPHRASE: EXIT.TRUST,
  STORE_CORRUPT: EXIT.TRUST,
  IDENTITY_CHANGE_PENDING: EXIT.TRUST,
  SERVER_IDENTITY_CHANGED: EXIT.TRUST,
  NETWORK: EXIT.NETWORK,
};

export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError) return EXIT.USAGE;
  if (err instanceof ClientError) return CLIENT_EXIT[err.code];
  if (err instanceof ServerError) return EXIT.NETWORK;
  if (err instanceof ProtocolError || err instanceof CryptoError) return EXIT.TRUST;
  if (err instanceof DecodeError) return EXIT.NETWORK; // malformed bytes from the server
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && code.startsWith('commander.')) return EXIT.USAGE;
  return EXIT.NETWORK;
}

/**
 * The one mapping from errors to process exit codes (docs/ARCHITECTURE.md §9 rule 4): 0 ok, 1 usage, 2 network or
 * server, 3 refused for trust or cryptographic reasons. Every verb throws; main.ts calls this.
 */
import { CommanderError } from 'commander';
import {
  ClientError,
  CryptoError,
  DecodeError,
  ProtocolError,
  ServerError,
  type ClientErrorCode,
  type ServerErrorCode,
} from '../util/errors.ts';

export const EXIT = Object.freeze({ OK: 0, USAGE: 1, NETWORK: 2, REFUSED: 3 });

/** A command-line mistake the user can fix (bad flag value, missing argument). */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Server refusals that mean "your keys or signatures are not accepted" rather than "try again". */
const TRUST_REFUSALS: ReadonlySet<ServerErrorCode> = new Set<ServerErrorCode>([
  'AUTH_FAILED',
  'BAD_IDENTITY',
  'BAD_PREKEY_SIGNATURE',
  'USERNAME_TAKEN',
  'DEVICE_REMOVED',
  'DEVICE_NOT_LISTED',
  'BAD_DEVICE_LIST',
]);

/** Client failures: what the user fixes (usage), the network, or a trust/crypto refusal. */
const CLIENT_EXIT: Readonly<Record<ClientErrorCode, number>> = Object.freeze({
  NOT_INITIALIZED: EXIT.USAGE,
  ALREADY_INITIALIZED: EXIT.USAGE,
  BAD_NAME: EXIT.USAGE,
  NOT_REGISTERED: EXIT.USAGE,
  UNKNOWN_CONTACT: EXIT.USAGE,
  UNKNOWN_GROUP: EXIT.USAGE,
  GROUP_EXISTS: EXIT.USAGE,
  NOT_GROUP_MEMBER: EXIT.USAGE,
  NETWORK: EXIT.NETWORK,
  WRONG_PASSPHRASE: EXIT.REFUSED,
  STORE_CORRUPT: EXIT.REFUSED,
  IDENTITY_CHANGE_PENDING: EXIT.REFUSED,
  SERVER_IDENTITY_CHANGED: EXIT.REFUSED,
  NOT_PRIMARY: EXIT.USAGE,
  BAD_LINK_CODE: EXIT.USAGE,
  LINK_TIMEOUT: EXIT.NETWORK,
});

export function exitCodeOf(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  if (e instanceof UsageError) return EXIT.USAGE;
  if (e instanceof ClientError) return CLIENT_EXIT[e.code];
  if (e instanceof CryptoError || e instanceof ProtocolError) return EXIT.REFUSED;
  if (e instanceof ServerError) return TRUST_REFUSALS.has(e.code) ? EXIT.REFUSED : EXIT.NETWORK;
  if (e instanceof DecodeError) return EXIT.NETWORK; // bytes from the network or a file that do not parse
  return EXIT.NETWORK; // system errors (ECONNREFUSED, EADDRINUSE, I/O) and anything unforeseen
}

/** The stable code printed with an error: the typed error's code, a Node system code, or 'ERROR'. */
export function errorCodeOf(e: unknown): string {
  if (e instanceof CommanderError) return 'USAGE';
  if (e !== null && typeof e === 'object' && 'code' in e && typeof e.code === 'string') return e.code;
  return 'ERROR';
}

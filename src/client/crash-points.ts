/**
 * Named crash points of the client's send and receive sequences (STYLE §1.12 rule 3): the places
 * between a committed transaction and the network step that follows it, where a test injects
 * `kill -9` (PQMSG_CRASH_AT in the CLI, docs/CLIENT.md "Crash safety").
 * Side channels: n/a.
 */
export const CRASH_POINTS = [
  /** The ratchet step, new session and outbox row are committed; nothing sent yet. */
  'after-send-commit',
  /** The server acknowledged the SEND; the outbox row is not yet marked delivered. */
  'after-transmit',
  /** The message is decrypted and stored with the new session; not yet acknowledged. */
  'after-receive-commit',
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

/** Called at each crash point; the CLI's hook kills the process at the chosen one. */
export type CrashHook = (point: CrashPoint) => void;

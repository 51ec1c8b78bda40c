/**
 * Structured logs: one JSON object per line on stderr, one line per event, each with the event
 * name and the connection or request it concerns (docs/ARCHITECTURE.md §9 rule 5). Callers pass public fields only:
 * addresses, ids, codes, sizes, fingerprints; never envelopes, signatures or keys.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

/** Writes events at or above `min` as JSON lines to `write` (default: stderr). */
export function jsonLogger(
  min: LogLevel | 'silent',
  clock: () => number,
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const floor = min === 'silent' ? Infinity : RANK[min];
  return {
    log(level, event, fields = {}) {
      if (RANK[level] < floor) return;
      const line = JSON.stringify({ t: new Date(clock()).toISOString(), level, event, ...fields });
      write(line + '\n');
    },
  };
}

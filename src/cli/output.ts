/**
 * The one output printer of the CLI (docs/ARCHITECTURE.md §9 rule 4): human text, or with --json one JSON object
 * per line on stdout. Errors go to stderr as one line (code and message), or as one JSON object on
 * stdout with --json; a stack trace only with --debug. Never prints key material.
 */
import type { Command } from 'commander';
import { errorCodeOf } from './exit-codes.ts';

export interface OutputOptions {
  readonly json: boolean;
  readonly debug: boolean;
}

export interface Printer {
  /** One result or event: `text` for humans, `record` for --json. */
  print(text: string, record: Record<string, unknown>): void;
  /** A remark for people (first-contact pins, warnings) on stderr; silent with --json. */
  note(text: string): void;
  error(e: unknown): void;
}

export function createPrinter(
  opts: OutputOptions,
  stdout: (line: string) => void = (l) => process.stdout.write(l),
  stderr: (line: string) => void = (l) => process.stderr.write(l),
): Printer {
  return {
    print(text, record) {
      stdout((opts.json ? JSON.stringify(record) : text) + '\n');
    },
    note(text) {
      if (!opts.json) stderr(text + '\n');
    },
    error(e) {
      const code = errorCodeOf(e);
      const message = e instanceof Error ? e.message : String(e);
      if (opts.json) stdout(JSON.stringify({ error: { code, message } }) + '\n');
      else stderr(`pqmsg: ${code}: ${message}\n`);
      if (opts.debug && e instanceof Error && e.stack) stderr(e.stack + '\n');
    },
  };
}

/** The global --json/--debug flags as seen from `cmd` (the program or any verb). */
export function outputOptions(cmd: Command): OutputOptions {
  const o = cmd.optsWithGlobals<{ debug?: boolean; json?: boolean }>();
  return { debug: o.debug === true, json: o.json === true };
}

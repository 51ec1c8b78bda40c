/**
 * The CLI's one printer (STYLE §1.12 rule 4): each event is one human line, or with --json one
 * JSON object per line on stdout. Errors go to stderr as one line (`pqmsg: …`), as a JSON object
 * with --json; stacks only with --debug.
 * Side channels: n/a (never given key material).
 */
export interface Output {
  readonly json: boolean;
  /** Prints one event: `record` with --json, else `human`. */
  print(record: Record<string, unknown>, human: string): void;
  /** A note for people (stderr); silent with --json. */
  note(text: string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    print(record, human) {
      process.stdout.write((json ? JSON.stringify(record) : human) + '\n');
    },
    note(text) {
      if (!json) process.stderr.write(text + '\n');
    },
  };
}

/** Prints a failure as one line (or a JSON object with --json); the stack only with --debug. */
export function printError(err: unknown, json: boolean, debug: boolean, exitCode: number): void {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  if (json)
    process.stderr.write(
      JSON.stringify({ type: 'error', code: typeof code === 'string' ? code : e.name, exitCode, message: e.message }) + '\n',
    );
  else process.stderr.write(`pqmsg: ${e.message}\n`);
  if (debug && e.stack) process.stderr.write(e.stack + '\n');
}

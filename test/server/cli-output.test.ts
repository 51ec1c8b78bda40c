/**
 * The CLI's single error → exit-code mapping and its one printer (docs/ARCHITECTURE.md §9 rule 4), which
 * `pqmsg server` uses and the client verbs will share: 0 ok, 1 usage, 2 network/server,
 * 3 refused for trust or crypto; human text or one JSON object per line; stacks only with --debug.
 */
import { CommanderError } from 'commander';
import { describe, expect, test } from 'vitest';
import { EXIT, UsageError, errorCodeOf, exitCodeOf } from '../../src/cli/exit-codes.ts';
import { createPrinter } from '../../src/cli/output.ts';
import { CryptoError, DecodeError, ProtocolError, ServerError } from '../../src/util/errors.ts';

describe('cli — exit codes', () => {
  test('each kind of error maps to its exit code', () => {
    const sys = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const cases: [unknown, number][] = [
      [new CommanderError(0, 'commander.helpDisplayed', ''), EXIT.OK],
      [new CommanderError(1, 'commander.unknownOption', 'unknown option'), EXIT.USAGE],
      [new UsageError('missing --to'), EXIT.USAGE],
      [new ServerError('MAILBOX_FULL_COUNT', 'full'), EXIT.NETWORK],
      [new ServerError('RATE_LIMITED_SEND', 'slow down'), EXIT.NETWORK],
      [new ServerError('AUTH_FAILED', 'no'), EXIT.REFUSED],
      [new ServerError('BAD_PREKEY_SIGNATURE', 'no'), EXIT.REFUSED],
      [new CryptoError('AUTH_FAILED', 'tag'), EXIT.REFUSED],
      [new ProtocolError('IDENTITY_CHANGED', 'changed'), EXIT.REFUSED],
      [new DecodeError('TRUNCATED', 'short'), EXIT.NETWORK],
      [sys, EXIT.NETWORK],
    ];
    expect(cases.length).toBe(11);
    for (const [e, code] of cases) expect(exitCodeOf(e)).toBe(code);
    expect([errorCodeOf(sys), errorCodeOf(new ServerError('INTERNAL', 'x')), errorCodeOf('str')]).toEqual(['ECONNREFUSED', 'INTERNAL', 'ERROR']);
  });
});

describe('cli — printer', () => {
  function capture(json: boolean, debug: boolean) {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, p: createPrinter({ json, debug }, (l) => out.push(l), (l) => err.push(l)) };
  }

  test('human text, or one JSON object per line', () => {
    const h = capture(false, false);
    h.p.print('listening on ws://127.0.0.1:1', { event: 'listening', url: 'ws://127.0.0.1:1' });
    expect(h.out).toEqual(['listening on ws://127.0.0.1:1\n']);
    const j = capture(true, false);
    j.p.print('listening on ws://127.0.0.1:1', { event: 'listening', url: 'ws://127.0.0.1:1' });
    expect(j.out.map((l) => JSON.parse(l))).toEqual([{ event: 'listening', url: 'ws://127.0.0.1:1' }]);
  });

  test('errors: code and message on stderr (JSON on stdout with --json); a stack only with --debug', () => {
    const e = new ServerError('USERNAME_TAKEN', 'username "alice" is taken');
    const h = capture(false, false);
    h.p.error(e);
    expect(h.err).toEqual(['pqmsg: USERNAME_TAKEN: username "alice" is taken\n']);
    const j = capture(true, false);
    j.p.error(e);
    expect(JSON.parse(j.out[0])).toEqual({ error: { code: 'USERNAME_TAKEN', message: 'username "alice" is taken' } });
    expect(j.err).toEqual([]);
    const d = capture(false, true);
    d.p.error(e);
    expect(d.err.length).toBe(2);
    expect(d.err[1]).toMatch(/^ServerError: username/);
  });
});

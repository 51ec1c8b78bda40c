/**
 * `pqmsg receive`: sends any unsent outbox rows, fetches every queued message, prints each,
 * acknowledges it once stored, and exits. A message from a contact whose identity changed stays
 * queued (exit 3) until `pqmsg contacts trust NAME`.
 */
import type { Command } from 'commander';
import type { SyncEvent } from '../../client/sync.ts';
import { globals, openService, openSync, outputFor, withStore } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import type { Printer } from '../output.ts';

export function registerReceiveCommand(program: Command): void {
  program
    .command('receive')
    .description('fetch, print and acknowledge queued messages, then exit')
    .action(async (_o: unknown, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      let held = false;
      await withStore(opts, async (store) => {
        const service = await openService(store);
        const sync = await openSync(service, opts, {
          onEvent: (e) => {
            held = printSyncEvent(out, e) || held;
          },
        });
        try {
          await sync.flushOutbox();
          await sync.pump('empty');
        } finally {
          sync.close();
        }
      });
      if (held) process.exitCode = EXIT.REFUSED;
    });
}

/** Prints one sync event; returns true for a message held for a trust decision. */
export function printSyncEvent(out: Printer, e: SyncEvent): boolean {
  if (e.type !== 'delivery') return false;
  const o = e.outcome;
  switch (o.kind) {
    case 'message': {
      const m = o.message;
      if (o.firstContact)
        out.note(
          `new contact ${m.peer}: identity pinned on first contact; ` +
            `verify with \`pqmsg contacts verify ${m.peer}\``,
        );
      out.print(
        `[${new Date(m.timestamp).toISOString()}] ${m.peer}: ${m.body}`,
        { type: 'message', from: m.peer, timestamp: m.timestamp, body: m.body, id: m.id },
      );
      return false;
    }
    case 'duplicate':
      return false;
    case 'held':
      out.print(
        `held a message from ${o.peer}: ${o.error.message}`,
        { type: 'held', from: o.peer, code: o.error.code, message: o.error.message },
      );
      return true;
    case 'rejected':
      out.print(
        `dropped an undecryptable message from ${o.peer}: ${o.error.message}`,
        {
          type: 'rejected',
          from: o.peer,
          code: (o.error as { code?: string }).code ?? o.error.name,
          message: o.error.message,
        },
      );
      return false;
  }
}

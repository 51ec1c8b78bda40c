/**
 * `pqmsg receive`: sends any unsent outbox rows, fetches every queued message, prints each,
 * acknowledges it once stored, and exits. A message from a contact whose identity changed stays
 * queued (exit 3) until `pqmsg contacts trust NAME`.
 */
import type { Command } from 'commander';
import type { GroupEvent } from '../../client/group-records.ts';
import type { Sync, SyncEvent } from '../../client/sync.ts';
import { ServerError } from '../../util/errors.ts';
import { globals, openGroupSync, outputFor, withService } from '../context.ts';
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
      await withService(opts, async (service) => {
        const { sync, groups } = await openGroupSync(service, opts, {
          onEvent: (e) => {
            held = printSyncEvent(out, e) || held;
          },
        });
        try {
          await flushBestEffort(sync, out);
          await sync.pump('empty');
          await groups.settle();
        } finally {
          sync.close();
        }
      });
      if (held) process.exitCode = EXIT.REFUSED;
    });
}

/** Prints one sync event; returns true for a message held for a trust decision. */
export function printSyncEvent(out: Printer, e: SyncEvent): boolean {
  if (e.type === 'undeliverable') {
    const { peer, id } = e.entry;
    out.print(`could not deliver message ${id} to ${peer}: ${e.error.message}`, {
      type: 'undeliverable',
      to: peer,
      id,
      code: e.error.code,
      message: e.error.message,
    });
    return false;
  }
  if (e.type === 'devicesChanged') {
    out.print(
      `WARNING: the devices of ${e.name} CHANGED (now ${e.devices.join(', ')}); ` +
        `the list is signed by ${e.name}'s pinned primary: check with \`pqmsg devices list --of ${e.name}\``,
      { type: 'devicesChanged', name: e.name, devices: e.devices },
    );
    return false;
  }
  if (e.type !== 'delivery') return false;
  const o = e.outcome;
  switch (o.kind) {
    case 'message': {
      const m = o.message;
      if (m.direction === 'out') {
        // A sent transcript from another device of this account (docs/CLIENT.md §9).
        out.print(
          `[${new Date(m.timestamp).toISOString()}] (sent from another device) → ${m.peer}: ${m.body}`,
          { type: 'sentTranscript', to: m.peer, timestamp: m.timestamp, body: m.body, id: m.id },
        );
        return false;
      }
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
    case 'control': // an access secret stored, or a cover dummy dropped: never shown (CLIENT.md §8)
      return false;
    case 'group':
      printGroupEvent(out, o.event);
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

/** Prints one group event: a group message with its group and sender, a membership change or a roster. */
export function printGroupEvent(out: Printer, e: GroupEvent): void {
  switch (e.type) {
    case 'message':
      out.print(`[${new Date(e.timestamp).toISOString()}] ${e.group} / ${e.from}: ${e.body}`, {
        type: 'groupMessage',
        group: e.group,
        from: e.from,
        timestamp: e.timestamp,
        body: e.body,
        id: e.id,
      });
      return;
    case 'change': {
      const what = e.change === 'create' ? 'created the group' : e.change === 'leave' ? 'left' : `${e.change === 'add' ? 'added' : 'removed'} ${e.target}`;
      out.print(`${e.group}: ${e.by} ${what} (version ${e.version})${e.left ? '; you are no longer a member' : ''}`, {
        type: 'groupChange',
        group: e.group,
        by: e.by,
        change: e.change,
        target: e.target,
        version: e.version,
        member: !e.left,
      });
      return;
    }
    case 'senderKey':
      // a welcome that gave this device the group (a device linked later: PROTOCOL.md §15.12)
      if (e.roster !== undefined)
        out.print(`${e.group}: ${e.from} sent the group's roster (version ${e.roster})`, {
          type: 'groupRoster',
          group: e.group,
          by: e.from,
          version: e.roster,
        });
      return;
  }
}

/**
 * Flushes the outbox before receiving; a server refusal (e.g. a full mailbox at the recipient)
 * is reported and the rows stay queued, so it never stops this device from receiving.
 */
export async function flushBestEffort(sync: Sync, out: Printer): Promise<void> {
  try {
    await sync.flushOutbox();
    await sync.flushSealed(); // sealed envelopes committed before a crash (docs/CLIENT.md §8)
  } catch (err) {
    if (!(err instanceof ServerError)) throw err;
    out.note(`outbox kept for a later attempt: ${err.message}`);
  }
}

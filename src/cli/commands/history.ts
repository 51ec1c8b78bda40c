/**
 * `pqmsg history NAME`: the stored messages with NAME, oldest first (decrypted from the store);
 * `history --group NAME`: those of group NAME, each with its sender (docs/CLIENT.md §10).
 */
import type { Command } from 'commander';
import { globals, groupsOf, outputFor, withService } from '../context.ts';
import { expectName } from './contacts.ts';

export function registerHistoryCommand(program: Command): void {
  program
    .command('history <name>')
    .description('print the stored conversation with NAME (with --group: of group NAME)')
    .option('--group', 'NAME is a group')
    .action(async (name: string, o: { group?: boolean }, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      await withService(opts, async (service) => {
        if (o.group === true) {
          for (const m of groupsOf(service).history(name)) {
            const mark = m.direction === 'out' && !m.delivered ? ' (not yet delivered)' : '';
            out.print(`[${new Date(m.timestamp).toISOString()}] ${name} / ${m.peer}: ${m.body}${mark}`, {
              type: 'groupMessage',
              group: name,
              direction: m.direction,
              from: m.peer,
              timestamp: m.timestamp,
              body: m.body,
              id: m.id,
              delivered: m.delivered,
            });
          }
          return;
        }
        expectName(name, service.account.name);
        for (const m of service.history(name)) {
          const from = m.direction === 'in' ? name : service.account.name;
          const mark = m.direction === 'out' && !m.delivered ? ' (not yet delivered)' : '';
          out.print(
            `[${new Date(m.timestamp).toISOString()}] ${from}: ${m.body}${mark}`,
            {
              type: 'message',
              direction: m.direction,
              from,
              to: m.direction === 'in' ? service.account.name : name,
              timestamp: m.timestamp,
              body: m.body,
              id: m.id,
              delivered: m.delivered,
            },
          );
        }
      });
    });
}

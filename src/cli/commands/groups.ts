/**
 * `pqmsg groups create NAME MEMBER…`, `groups add NAME MEMBER`, `groups remove NAME MEMBER`,
 * `groups leave NAME`, `groups list` (docs/CLIENT.md §10). Each change is signed with this
 * device's hybrid identity, committed with the pairwise messages that carry it, then sent; a
 * removal (or leave) makes every remaining member rotate its sender key.
 */
import type { Command } from 'commander';
import type { GroupView } from '../../client/group-service.ts';
import { globals, groupsOf, openGroupSync, outputFor, withService, type GlobalOptions } from '../context.ts';
import type { Printer } from '../output.ts';
import { expectName } from './contacts.ts';

type Change = 'add' | 'remove' | 'leave';

export function registerGroupsCommand(program: Command): void {
  const groups = program.command('groups').description('group chats: create, add, remove, leave, list');
  groups
    .command('create <name> <members...>')
    .description('create group NAME with the contacts MEMBER… (and you)')
    .action(async (name: string, members: string[], _o: unknown, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      await withService(opts, async (service) => {
        for (const m of members) expectName(m, service.account.name);
        const { sync, groups: gs } = await openGroupSync(service, opts);
        try {
          printView(out, 'created', await gs.create(name, [...new Set(members)]));
        } finally {
          sync.close();
        }
      });
    });
  for (const [verb, what] of [
    ['add', 'add contact MEMBER to group NAME'],
    ['remove', 'remove MEMBER from group NAME (every remaining member rotates its sender key)'],
  ] as const)
    groups
      .command(`${verb} <name> <member>`)
      .description(what)
      .action(async (name: string, member: string, _o: unknown, cmd: Command) => {
        await change(globals(cmd), outputFor(cmd), name, verb, member);
      });
  groups
    .command('leave <name>')
    .description('leave group NAME (the remaining members rotate their sender keys)')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      await change(globals(cmd), outputFor(cmd), name, 'leave', '');
    });
  groups
    .command('list')
    .description('list your groups with their members and versions')
    .action(async (_o: unknown, cmd: Command) => {
      const out = outputFor(cmd);
      await withService(globals(cmd), async (service) => {
        for (const g of groupsOf(service).list()) printView(out, 'group', g);
      });
    });
}

async function change(opts: GlobalOptions, out: Printer, name: string, kind: Change, member: string): Promise<void> {
  await withService(opts, async (service) => {
    if (kind !== 'leave') expectName(member, service.account.name);
    groupsOf(service).find(name); // UNKNOWN_GROUP before any connection
    const { sync, groups } = await openGroupSync(service, opts);
    try {
      const done = { add: 'added', remove: 'removed', leave: 'left' }[kind];
      printView(out, done, await groups.change(name, kind, member));
    } finally {
      sync.close();
    }
  });
}

function printView(out: Printer, what: string, g: GroupView): void {
  const status = g.member ? '' : ' (not a member)';
  out.print(`${what} ${g.name}: ${g.members.join(', ')} (version ${g.version})${status}`, {
    type: what === 'group' ? 'group' : 'groupChanged',
    ...(what === 'group' ? {} : { change: what }),
    name: g.name,
    id: g.id,
    version: g.version,
    members: g.members,
    member: g.member,
  });
}

/**
 * Property (fast-check), groups × multiple devices (docs/PROTOCOL.md §15.12, docs/CLIENT.md §10):
 * random schedules over 3 users with up to 3 devices each — devices linked (the real link
 * channel) and removed, members removed from the group and added again by ann's primary, sends
 * to the group and to users from any device, and delivery rounds that interleave the senders'
 * messages in a random order (each sender's in its order), stop part-way (the connection drops:
 * the rest comes in a later round) and lose acks (the server delivers again: duplicates, after
 * later messages). Membership changes are made by one device, everything sent
 * before a change is delivered before it, and the change to every device before the next step
 * (concurrent changes, and what a member sent before a removal it had not applied yet, are the
 * subject of test/protocol/groups/schedules.property.test.ts). Once everything is delivered:
 *   - each group message is in the history of every device that was current, when it was sent,
 *     on the account of a member — the sender's other devices included, as sent ('out') — exactly
 *     once, and on no other device;
 *   - with the ciphertexts in hand, no other device's stored group state opens a group message:
 *     not a removed device (sent after its removal), not a removed member, not a device linked
 *     later;
 *   - each pairwise text shows exactly once on every current device of its recipient and of its
 *     sender; nothing is rejected but what a removed device sent;
 *   - forged group traffic is rejected with its code and leaves the group state as it was: a bad
 *     signature, a member signing "as" another with the chain key it holds, a replayed
 *     distribution (of a chain its sender has rotated away from);
 *   - the server refuses a removed device as a GROUP_SEND recipient, and the device itself.
 * In process: the real server handlers on SQLite and real sealed client stores.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { GroupService, GROUP_TABLE } from '../../src/client/group-service.ts';
import { GroupSync } from '../../src/client/group-sync.ts';
import { SealedService } from '../../src/client/sealed-service.ts';
import { decodeGroupRecord } from '../../src/client/group-records.ts';
import { encodeContent, encodeControl, padContent } from '../../src/client/content.ts';
import { distributionOf } from '../../src/protocol/groups/distribution.ts';
import { decodeGroupState } from '../../src/protocol/groups/group-state-codec.ts';
import { decryptGroupMessage, encryptGroupMessage, type GroupState } from '../../src/protocol/groups/group-state.ts';
import { decodeGroupMessage } from '../../src/protocol/groups/sender-key.ts';
import { encodeWelcome, signRoster } from '../../src/protocol/groups/welcome.ts';
import { defaultSuite } from '../../src/protocol/default-suite.ts';
import { ProtocolError } from '../../src/util/errors.ts';
import { defaultRandom } from '../../src/util/random.ts';
import type { DeliveredMessage } from '../../src/wire/pushes.ts';
import type { Sync } from '../../src/client/sync.ts';
import { World, type DeliveryPlan, type Dev } from './in-process.ts';
import { tempDir } from './store-helpers.ts';

const RUNS = process.env.SLOW ? 12 : 3;
const USERS = ['ann', 'ben', 'cat'] as const;
const GROUP = 'crew';
const { dir, cleanup } = tempDir('groups-devices-property');
afterAll(cleanup);

type Op =
  | { kind: 'gsend'; user: number; device: number }
  | { kind: 'send'; user: number; device: number; to: number }
  | { kind: 'link'; user: number }
  | { kind: 'unlink'; user: number; device: number }
  | { kind: 'member'; user: number }
  | { kind: 'deliver'; user: number; device: number; cut: number; ackLose: number[]; order: number[] };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('gsend' as const), user: fc.nat(2), device: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('send' as const), user: fc.nat(2), device: fc.nat(2), to: fc.integer({ min: 1, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('link' as const), user: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unlink' as const), user: fc.nat(2), device: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('member' as const), user: fc.integer({ min: 1, max: 2 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      user: fc.nat(2),
      device: fc.nat(2),
      cut: fc.nat(8),
      ackLose: fc.array(fc.nat(7), { maxLength: 3 }),
      order: fc.array(fc.nat(1000), { minLength: 8, maxLength: 8 }),
    }),
  },
);

/** A group message sent: its sender, the devices that must hold it once, its ciphertext. */
interface Sent {
  readonly sender: Dev;
  readonly targets: readonly Dev[];
  readonly message: Uint8Array;
}

describe('groups over devices (fast-check)', () => {
  test('every intended device exactly once, own devices as sent; nothing readable elsewhere; forgeries refused', async () => {
    let run = 0;
    let checked = 0;
    const done = { link: 0, unlink: 0, member: 0, gsend: 0, send: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 12 }), async (ops) => {
        run++;
        const groupsOf = new Map<Dev, GroupService>();
        const g = (d: Dev) => groupsOf.get(d)!;
        const groupSync = (d: Dev, sync: Sync) => new GroupSync(sync, g(d));
        const world = await World.create(USERS, {
          dir,
          run,
          attach: (d) => groupsOf.set(d, new GroupService(d.service)),
          // as `receive` does (src/cli/context.ts openGroupSync): settle after a change or a roster
          afterDelivery: async (d, sync, o) => {
            if (o.kind === 'group' && (o.event.type === 'change' || (o.event.type === 'senderKey' && o.event.roster !== undefined)))
              await groupSync(d, sync).settle();
          },
          afterPump: async (d, sync) => void (await groupSync(d, sync).settle()),
        });
        const withSync = async <T,>(d: Dev, fn: (s: Sync, gs: GroupSync) => Promise<T>): Promise<T> => {
          const s = await world.open(d);
          try {
            return await fn(s, groupSync(d, s));
          } finally {
            s.close();
          }
        };
        /** Flushes every outbox and drains every mailbox until nothing moves. */
        const quiesce = async () => {
          world.loseAcks.clear();
          for (let round = 0; round < 6; round++) {
            for (const d of world.devices.filter((x) => !x.removed)) await withSync(d, (_, gs) => gs.settle());
            for (const d of world.devices.filter((x) => !x.removed)) await world.deliver(d);
            let left = 0;
            for (const d of world.devices.filter((x) => !x.removed))
              left += (await world.pending(d)) + d.service.outbox().length + g(d).groupOutbox().length;
            if (left === 0) return;
          }
          throw new Error('test: the world did not quiesce in 6 rounds');
        };
        const ann = world.primary('ann');
        let members: string[] = [...USERS];
        await withSync(ann, (_, gs) => gs.create(GROUP, ['ben', 'cat']));
        await quiesce();
        const sent = new Map<string, Sent>();
        const texts = new Map<string, { sender: Dev; targets: Dev[] }>();
        let n = 0;
        for (const op of ops) {
          if (op.kind === 'gsend') {
            const list = world.current(USERS[op.user]);
            const sender = list[op.device % list.length];
            const view = g(sender).list().find((v) => v.name === GROUP);
            if (view === undefined || !view.member) continue; // a device without the group yet, or a removed member
            expect(view.members).toEqual(members);
            const body = `r${run}-g${n++}-${sender.user}.${sender.deviceId}`;
            const out = await withSync(sender, (_, gs) => gs.send(GROUP, body));
            const targets = members.flatMap((u) => world.current(u)).filter((d) => d !== sender);
            sent.set(body, { sender, targets, message: out[out.length - 1].entry.message });
            done.gsend++;
          } else if (op.kind === 'send') {
            const list = world.current(USERS[op.user]);
            const sender = list[op.device % list.length];
            const to = USERS[(op.user + op.to) % 3];
            const body = `r${run}-p${n++}-${sender.user}.${sender.deviceId}`;
            await withSync(sender, (s) => s.send(to, body));
            texts.set(body, { sender, targets: [...world.current(to), ...world.current(sender.user).filter((d) => d !== sender)] });
            done.send++;
          } else if (op.kind === 'link') {
            const user = USERS[op.user];
            if (world.current(user).length >= 3) continue;
            await world.link(user);
            done.link++;
          } else if (op.kind === 'unlink') {
            const linked = world.current(USERS[op.user]).filter((d) => d.deviceId !== 1);
            if (linked.length === 0) continue;
            await world.remove(linked[op.device % linked.length]);
            done.unlink++;
          } else if (op.kind === 'member') {
            const user = USERS[op.user];
            const kind = members.includes(user) ? 'remove' : 'add';
            await quiesce(); // what was sent before the change is read before it
            await withSync(ann, (_, gs) => gs.change(GROUP, kind, user));
            members = kind === 'add' ? [...members, user].sort() : members.filter((u) => u !== user);
            await quiesce();
            done.member++;
          } else {
            const list = world.current(USERS[op.user]);
            await world.deliver(list[op.device % list.length], dropped(op));
          }
        }
        await quiesce();

        const removed = world.devices.filter((d) => d.removed).map((d) => `${d.user}.${d.deviceId} is not on the device list`);
        for (const d of world.devices) {
          const bad = d.events.flatMap((e) => (e.type === 'delivery' && (e.outcome.kind === 'rejected' || e.outcome.kind === 'held') ? [e.outcome.error.message] : []));
          expect([`${d.user}.${d.deviceId}`, bad.filter((m) => !removed.some((r) => m.includes(r)))]).toEqual([`${d.user}.${d.deviceId}`, []]);
        }

        // exactly once in the history of every intended device; own devices show it as sent
        const history = (d: Dev) => (g(d).list().some((v) => v.name === GROUP) ? g(d).history(GROUP) : []);
        for (const [body, { sender, targets }] of sent) {
          for (const d of world.devices) {
            const rows = history(d).filter((h) => h.body === body);
            const at = `${d.user}.${d.deviceId}`;
            if (d === sender) expect([body, at, rows.map((r) => r.direction)]).toEqual([body, at, ['out']]);
            else if (!targets.includes(d)) expect([body, at, rows.length]).toEqual([body, at, 0]);
            // a device removed later may have read it before; one that sent it and was removed is refused after
            else if (d.removed || sender.removed) expect([body, at, rows.length <= 1]).toEqual([body, at, true]);
            else expect([body, at, rows.map((r) => r.direction)]).toEqual([body, at, [d.user === sender.user ? 'out' : 'in']]);
            checked++;
          }
        }
        // with the ciphertexts: no other device's stored state opens a group message
        for (const [body, { sender, targets, message }] of sent) {
          for (const d of world.devices) {
            if (d === sender || targets.includes(d)) continue;
            const state = groupState(g(d));
            if (state === undefined) continue;
            let opened = false;
            try {
              decryptGroupMessage(defaultSuite, state, decodeGroupMessage(message));
              opened = true;
            } catch (err) {
              expect(err).toBeInstanceOf(ProtocolError);
            }
            expect([body, `${d.user}.${d.deviceId}`, opened]).toEqual([body, `${d.user}.${d.deviceId}`, false]);
            checked++;
          }
        }
        for (const [body, { sender, targets }] of texts)
          for (const d of world.devices) {
            const times = d.shown.filter((b) => b === body).length;
            const at = `${d.user}.${d.deviceId}`;
            if (!targets.includes(d) || d.removed) expect([body, at, times]).toEqual([body, at, 0]);
            else if (sender.removed) expect([body, at, times <= 1]).toEqual([body, at, true]);
            else expect([body, at, times]).toEqual([body, at, 1]);
          }
        // forgeries, at ben's primary, on ann's primary's chain: rejected, the group row unchanged
        for (const user of ['ben', 'cat'])
          if (!members.includes(user)) {
            await withSync(ann, (_, gs) => gs.change(GROUP, 'add', user));
            members = [...members, user].sort();
          }
        await quiesce();
        // the forgeries reach ben before the genuine message (whose key they would otherwise find
        // consumed: DUPLICATE_MESSAGE before any other check, PROTOCOL.md §15.3)
        const base = await withSync(ann, (_, gs) => gs.send(GROUP, `r${run}-forgery-base`));
        const ben = world.primary('ben');
        const cat = world.primary('cat');
        const genuine = base[base.length - 1].entry.message;
        const forged = Uint8Array.from(genuine);
        forged[forged.length - 1] ^= 1;
        expect(injectGroupMessage(ben, g(ben), ann, forged, 1)).toBe('AUTH_FAILED');
        // the genuine bytes, but GROUP_SEND names cat as the uploader: not the sender they authenticate
        const unchanged = groupRow(g(ben));
        const relayed = ben.service.processDelivery({ guid: 1_200_000_000, serverTimestamp: Date.now(), clientMessageId: new Uint8Array(16), envelope: genuine, sender: { username: 'cat', deviceId: 1 } });
        expect(relayed.kind === 'rejected' ? (relayed.error as ProtocolError).code : relayed.kind).toBe('SENDER_MISMATCH');
        expect(groupRow(g(ben))).toEqual(unchanged);
        // cat holds ann.1's chain key (at ben's position: she can step it forward) and signs
        // "as ann.1" with her own chain's signing key
        const catState = groupState(g(cat))!;
        const annChain = groupState(g(ben))!.received.find((c) => c.sender === ann.service.account.address)!.chains[0];
        const asAnn: GroupState = {
          ...catState,
          self: ann.service.account.address,
          own: { chainId: annChain.chainId, epoch: annChain.epoch, iteration: annChain.iteration, chainKey: annChain.chainKey, headerKey: annChain.headerKey, signingSeeds: catState.own!.signingSeeds },
        };
        const plain = padContent(encodeContent({ id: '00'.repeat(16), timestamp: 1, body: 'I am ann' }));
        const impersonation = encryptGroupMessage(defaultSuite, asAnn, plain, defaultRandom).message;
        expect(injectGroupMessage(ben, g(ben), ann, impersonation, 2)).toBe('BAD_SIGNATURE');
        // ann.1's welcome of her current chain, replayed to ben.1 after she rotated (cat removed)
        const annState = groupState(g(ann))!;
        const annIdentity = ann.service.ctx.identity.getLocalIdentity();
        const oldWelcome = encodeWelcome({
          roster: signRoster(defaultSuite, annIdentity, annState.self, annState.membership, defaultRandom),
          distribution: distributionOf(defaultSuite, annIdentity, annState.membership.groupId, annState.own!, defaultRandom),
        });
        await quiesce();
        await withSync(ann, (_, gs) => gs.change(GROUP, 'remove', 'cat'));
        await quiesce();
        const before = groupRow(g(ben));
        ann.service.queueToUser('ben', encodeControl({ kind: 'groupWelcome', payload: oldWelcome }), world.current('ben').map((d) => d.deviceId));
        await withSync(ann, (s) => s.flushOutbox());
        const seen = ben.events.length;
        await world.deliver(ben);
        const replay = ben.events.slice(seen).flatMap((e) => (e.type === 'delivery' && e.outcome.kind === 'rejected' ? [e.outcome.error] : []));
        expect(replay.map((e) => (e as ProtocolError).code)).toEqual(['STALE_DISTRIBUTION']);
        expect(groupRow(g(ben))).toEqual(before);
        // a removed device receives no group traffic: the server refuses it as a recipient, and it
        // can no longer connect (unless its id was given to a device linked since)
        const reused = (d: Dev) => world.current(d.user).some((c) => c.deviceId === d.deviceId);
        for (const gone of world.devices.filter((d) => d.removed && !reused(d))) {
          const address = { username: gone.user, deviceId: gone.deviceId };
          const { results } = await withSync(ann, (s) =>
            s.conn.request({ op: 'groupSend', recipients: [address], clientMessageId: defaultRandom(16), envelope: genuine }),
          );
          expect(results.map((r) => (r.status === 'refused' ? r.code : r.status))).toEqual(['UNKNOWN_ADDRESS']);
          await expect(world.open(gone)).rejects.toMatchObject({ code: 'DEVICE_REMOVED' });
        }
        checked++;
        await world.close();
      }),
      {
        numRuns: RUNS,
        // A fixed schedule first: ann links a laptop that learns the group from the welcomes and
        // reads; ben links a tablet that sends; the laptop goes (ann and ben must rotate: it held
        // their chains); cat is removed and added again; lossy deliveries in between.
        examples: [
          [
            [
              { kind: 'link', user: 0 },
              { kind: 'gsend', user: 0, device: 0 },
              { kind: 'gsend', user: 1, device: 0 },
              { kind: 'deliver', user: 0, device: 1, cut: 8, ackLose: [0], order: [900, 10, 500, 20, 30, 700, 5, 1] },
              { kind: 'gsend', user: 0, device: 1 },
              { kind: 'link', user: 1 },
              { kind: 'gsend', user: 2, device: 0 },
              { kind: 'deliver', user: 1, device: 1, cut: 2, ackLose: [1], order: [3, 1, 4, 1, 5, 9, 2, 6] },
              { kind: 'gsend', user: 1, device: 1 },
              { kind: 'unlink', user: 0, device: 0 },
              { kind: 'gsend', user: 0, device: 0 },
              { kind: 'gsend', user: 1, device: 0 },
              { kind: 'member', user: 2 },
              { kind: 'gsend', user: 1, device: 0 },
              { kind: 'send', user: 0, device: 0, to: 1 },
              { kind: 'member', user: 2 },
              { kind: 'gsend', user: 2, device: 0 },
            ],
          ],
        ],
      },
    );
    expect(run).toBe(RUNS); // the fixed example counts as one of the runs
    expect(done.link).toBeGreaterThanOrEqual(2);
    expect(done.unlink).toBeGreaterThanOrEqual(1);
    expect(done.member).toBeGreaterThanOrEqual(2);
    expect(done.gsend).toBeGreaterThanOrEqual(5);
    expect(checked).toBeGreaterThan(0);
  }, process.env.SLOW ? 1_800_000 : 180_000);
});

/** The group's state on the device of `groups`, or undefined when it has none. */
function groupState(groups: GroupService): GroupState | undefined {
  const row = groupRow(groups);
  return row === undefined ? undefined : decodeGroupState(decodeGroupRecord(row).state);
}

function groupRow(groups: GroupService): Uint8Array | undefined {
  const rows = groups.service.store.list(GROUP_TABLE.GROUPS);
  return rows.length === 0 ? undefined : rows[0].value;
}

/**
 * Hands `envelope` to `to` as a group message from `from` (the real storeThenAck path, with a
 * guid never used): returns the rejection code, and checks the group row did not change.
 */
function injectGroupMessage(to: Dev, groups: GroupService, from: Dev, envelope: Uint8Array, k: number): string {
  const before = groupRow(groups);
  const base = { serverTimestamp: Date.now(), clientMessageId: new Uint8Array(16).fill(k), envelope };
  const m: DeliveredMessage = { ...base, guid: 1_000_000_000 + k, sender: { username: from.user, deviceId: from.deviceId } };
  const outcome = to.service.processDelivery(m);
  expect(groupRow(groups)).toEqual(before);
  if (outcome.kind !== 'rejected') throw new Error(`test: forged group message was ${outcome.kind}`);
  // the same bytes delivered sealed (GROUP_SEND_SEALED, no server sender): the same refusal
  const sealed = new SealedService(to.service).processSealed({ ...base, guid: 1_100_000_000 + k });
  expect(groupRow(groups)).toEqual(before);
  expect(sealed.kind === 'rejected' ? (sealed.error as ProtocolError).code : sealed.kind).toBe((outcome.error as ProtocolError).code);
  return (outcome.error as ProtocolError).code;
}

/**
 * The delivery plan of a deliver op: the senders' messages interleaved in a random order, each
 * sender's kept in its order (what depends on what comes from one sender: a chain's welcome, then
 * its messages); the connection drops after `cut` pushes; some acks are lost.
 */
function dropped(op: Extract<Op, { kind: 'deliver' }>): DeliveryPlan {
  return (pending) => {
    const last = new Map<string, number>();
    const keyed = pending.map((m, i) => {
      const from = `${m.sender.username}.${m.sender.deviceId}`;
      const k = Math.max(last.get(from) ?? 0, op.order[i % op.order.length]);
      last.set(from, k);
      return { m, k, i };
    });
    const chosen = keyed.sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.m).slice(0, op.cut);
    return { chosen, loseAcks: op.ackLose.flatMap((i) => (chosen[i] ? [chosen[i].guid] : [])) };
  };
}

/**
 * Sealed group messages (PROTOCOL.md §15.4, §15.9): what the server sees reveals neither the
 * sender nor the group; the receiver finds the chain by trial among every chain of every group it
 * is in (rotated-away chains included), gets the authenticated sender back, and refuses every
 * forgery, replay and over-long skip with its code and no change to ANY of its group states.
 * Fixture: zoe.1 is in 5 groups with the same 5 sender devices; each sender has rotated once in
 * each group, so zoe holds 2 chains per sender per group: 50 chains.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { distributionOf } from '../../../src/protocol/groups/distribution.ts';
import { encodeGroupState } from '../../../src/protocol/groups/group-state-codec.ts';
import {
  createGroup,
  decryptGroupMessage,
  decryptGroupMessageIn,
  encryptGroupMessage,
  receiveChange,
  receiveDistribution,
  type GroupState,
} from '../../../src/protocol/groups/group-state.ts';
import { encodeGroupHeader, type GroupHeader } from '../../../src/protocol/groups/group-header.ts';
import {
  chainSigningKey,
  createSenderChain,
  decodeGroupMessage,
  groupMessageKeys,
  kdfSenderChain,
  type ReceivedSenderChain,
} from '../../../src/protocol/groups/sender-key.ts';
import { generateIdentity, type IdentityKeyPair } from '../../../src/protocol/identity.ts';
import { concatBytes, toHex, utf8 } from '../../../src/util/bytes.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { detRandom } from '../helpers/det-rng.ts';
import { SUITE } from '../helpers/suites.ts';

const rnd = detRandom('sealed group tests');
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const SENDERS = ['amelia.1', 'bo.1', 'christopher-long-name.7', 'dee.2', 'eve.1'];
const GROUPS = 5;
const ZOE = 'zoe.1';
const identities = new Map<string, IdentityKeyPair>([ZOE, ...SENDERS].map((a) => [a, generateIdentity(SUITE, rnd)]));
const userOf = (a: string) => a.slice(0, a.lastIndexOf('.'));

interface Fixture {
  /** zoe's state in each group. */
  zoe: GroupState[];
  /** Each sender's state in each group, after its rotation: senders[g].get(address). */
  senders: Map<string, GroupState>[];
  /** One message per (group, sender) sent on the chain BEFORE the rotation, delivered late. */
  late: { group: number; sender: string; bytes: Uint8Array; body: string }[];
}

/** Hands `from`'s current chain in group state `s` to zoe. */
function distribute(zoe: GroupState, from: string, s: GroupState): GroupState {
  const id = identities.get(from)!;
  return receiveDistribution(SUITE, zoe, from, id.publicKey, distributionOf(SUITE, id, s.membership.groupId, s.own!, rnd));
}

function buildFixture(): Fixture {
  const zoe: GroupState[] = [];
  const senders: Map<string, GroupState>[] = [];
  const late: Fixture['late'] = [];
  for (let g = 0; g < GROUPS; g++) {
    const [creator, ...others] = SENDERS;
    const created = createGroup(SUITE, identities.get(creator)!, creator, `g${g}`, [...others, ZOE].map(userOf), rnd);
    const states = new Map<string, GroupState>([[creator, created.state]]);
    for (const a of others) states.set(a, receiveChange(SUITE, undefined, a, created.change, identities.get(creator)!.publicKey, rnd).state);
    let z = receiveChange(SUITE, undefined, ZOE, created.change, identities.get(creator)!.publicKey, rnd).state;
    for (const a of SENDERS) z = distribute(z, a, states.get(a)!);
    for (const a of SENDERS) {
      const body = `late g${g} ${a}`;
      const sent = encryptGroupMessage(SUITE, states.get(a)!, utf8(body), rnd);
      late.push({ group: g, sender: a, bytes: sent.message, body });
      // the sender rotates (as after a removal elsewhere in the roster) and distributes anew
      const rotated = { ...sent.state, own: createSenderChain(rnd, sent.state.own!.epoch + 1) };
      states.set(a, rotated);
      z = distribute(z, a, rotated);
    }
    zoe.push(z);
    senders.push(states);
  }
  return { zoe, senders, late };
}

const fx = buildFixture();
const snapshot = (states: readonly GroupState[]) => states.map((s) => toHex(encodeGroupState(s)));

/** Sends `body` from `sender` in group `g` on its current chain, advancing the fixture's sender. */
function send(g: number, sender: string, body: string, senders = fx.senders): Uint8Array {
  const r = encryptGroupMessage(SUITE, senders[g].get(sender)!, utf8(body), rnd);
  senders[g].set(sender, r.state);
  return r.message;
}

/** Expects `bytes` to be refused with `code` and no change to any of zoe's states. */
function refused(bytes: Uint8Array, code: string, states = fx.zoe): void {
  const before = snapshot(states);
  expect(codeOf(() => decryptGroupMessageIn(SUITE, states, decodeGroupMessage(bytes)))).toBe(code);
  expect(snapshot(states)).toEqual(before);
}

/** zoe's copy of `sender`'s chains in group g (newest first). */
const chainsAtZoe = (g: number, sender: string): readonly ReceivedSenderChain[] =>
  fx.zoe[g].received.find((s) => s.sender === sender)!.chains;

/**
 * A message built by hand (what a member holding a chain's CK and HK can make): `header` sealed
 * under `headerKey`, then content ‖ signature under the message key of `chainKey` (the key of the
 * header's iteration).
 */
function craft(headerKey: Uint8Array, header: Uint8Array, chainKey: Uint8Array, content: Uint8Array, signature: Uint8Array): Uint8Array {
  const nonce = rnd(24);
  const prefix = concatBytes(Uint8Array.of(2, 0x10), nonce, SUITE.xaead.seal(headerKey, nonce, header, Uint8Array.of(2, 0x10)));
  const { key, nonce: bodyNonce } = groupMessageKeys(SUITE, kdfSenderChain(SUITE, chainKey).seed);
  return concatBytes(prefix, SUITE.aead.seal(key, bodyNonce, concatBytes(content, signature), prefix));
}

describe('sealed group messages: the server sees neither sender nor group (PROTOCOL.md §15.9)', () => {
  test('the bytes contain no sender address, group id, chain id, header key, chain key or signing key', () => {
    for (let g = 0; g < GROUPS; g++)
      for (const a of SENDERS) {
        const state = fx.senders[g].get(a)!;
        const own = state.own!;
        const bytes = send(g, a, 'hello');
        const signing = chainSigningKey(SUITE, own);
        const chainId = new Uint8Array(4);
        new DataView(chainId.buffer).setUint32(0, own.chainId);
        const needles = [utf8(a), state.membership.groupId, chainId, own.headerKey, own.chainKey];
        needles.push(signing.signingKeyClassical.subarray(0, 8), signing.signingKeyPQ.subarray(0, 8));
        const hex = toHex(bytes);
        for (const needle of needles) expect(occursAligned(hex, toHex(needle)), `${a} in g${g}: ${toHex(needle)}`).toBe(false);
      }
  });

  test('two messages are unlinkable byte for byte: same content, same chain — nothing in common past 0x02 0x10', () => {
    const one = send(0, 'bo.1', 'same text');
    const two = send(0, 'bo.1', 'same text');
    const other = send(3, 'eve.1', 'same text');
    expect([one.length, two.length]).toEqual([other.length, other.length]);
    for (const [a, b] of [[one, two], [one, other]]) {
      expect([...a.subarray(0, 2)]).toEqual([...b.subarray(0, 2)]);
      let equal = 0;
      for (let i = 2; i < a.length; i++) if (a[i] === b[i]) equal++;
      expect(equal).toBeLessThan(60); // ≈ (length − 2) / 256 ≈ 14 expected for random bytes
    }
  });

  test('the sender address length does not show: a 4-byte and a 23-byte address give messages of one size', () => {
    expect(send(1, 'bo.1', 'x').length).toBe(send(1, 'christopher-long-name.7', 'x').length);
  });
});

describe('trial decryption among 50 chains in 5 groups (PROTOCOL.md §15.4)', () => {
  test('zoe holds 50 chains', () => {
    expect(fx.zoe.reduce((n, s) => n + s.received.reduce((k, r) => k + r.chains.length, 0), 0)).toBe(50);
  });

  test('every current and every rotated-away (late) chain is found: right group, authenticated sender, only that chain changes', () => {
    const current = fx.senders.flatMap((states, g) => SENDERS.map((a) => ({ group: g, sender: a, body: `now g${g} ${a}`, bytes: send(g, a, `now g${g} ${a}`) })));
    const all = [...current, ...fx.late];
    const order = all.map((_, i) => i).sort((i, j) => ((i * 7919) % all.length) - ((j * 7919) % all.length));
    let states = fx.zoe;
    for (const i of order) {
      const m = all[i];
      const r = decryptGroupMessageIn(SUITE, states, decodeGroupMessage(m.bytes));
      expect([r.index, r.sender, text(r.plaintext)]).toEqual([m.group, m.sender, m.body]);
      // in that group, only the sender's entry changed, and in it one chain
      const old = states[r.index].received;
      const changed = r.state.received.filter((s, k) => s !== old[k]);
      expect(changed.map((s) => s.sender)).toEqual([m.sender]);
      const oldChains = old.find((s) => s.sender === m.sender)!.chains;
      expect(changed[0].chains.filter((c, k) => c !== oldChains[k]).length).toBe(1);
      states = states.map((s, k) => (k === r.index ? r.state : s));
    }
    for (const m of all) refused(m.bytes, 'DUPLICATE_MESSAGE', states);
  });

  test('decryptGroupMessage on one group is the trial on that group alone', () => {
    const bytes = send(2, 'dee.2', 'one group');
    const r = decryptGroupMessage(SUITE, fx.zoe[2], decodeGroupMessage(bytes));
    expect([r.sender, text(r.plaintext)]).toEqual(['dee.2', 'one group']);
    expect(codeOf(() => decryptGroupMessage(SUITE, fx.zoe[1], decodeGroupMessage(bytes)))).toBe('UNKNOWN_SENDER_CHAIN');
  });
});

describe('sealed group messages: refusals change no state (PROTOCOL.md §15.3, §15.4)', () => {
  test('no header key opens a random, re-nonced or bit-flipped header: UNKNOWN_SENDER_CHAIN', () => {
    const bytes = send(0, 'amelia.1', 'x');
    for (const pos of [2, 20, 25, 26, 77, 130]) {
      const bad = bytes.slice();
      bad[pos] ^= 0x80;
      refused(bad, 'UNKNOWN_SENDER_CHAIN');
    }
    const random = concatBytes(Uint8Array.of(2, 0x10), rnd(bytes.length - 2));
    refused(random, 'UNKNOWN_SENDER_CHAIN');
    expect(codeOf(() => decryptGroupMessageIn(SUITE, [], decodeGroupMessage(bytes)))).toBe('UNKNOWN_SENDER_CHAIN');
  });

  test('the old format is refused before any trial: BAD_VERSION', () => {
    const old = send(0, 'amelia.1', 'x').slice();
    old[0] = 0x01;
    expect(codeOf(() => decodeGroupMessage(old))).toBe('BAD_VERSION');
  });

  test('a tampered body (content, signature or tag): AUTH_FAILED', () => {
    const bytes = send(1, 'eve.1', 'x');
    for (const pos of [131, bytes.length - 3000, bytes.length - 1]) {
      const bad = bytes.slice();
      bad[pos] ^= 1;
      refused(bad, 'AUTH_FAILED');
    }
  });

  test('a member with a chain\'s CK and HK forges a message on it: a bad signature is BAD_SIGNATURE', () => {
    const victim = chainsAtZoe(2, 'bo.1')[0];
    const header = encodeGroupHeader({ groupId: fx.zoe[2].membership.groupId, sender: 'bo.1', chainId: victim.chainId, iteration: victim.iteration });
    refused(craft(victim.headerKey, header, victim.chainKey, utf8('forged'), rnd(3373)), 'BAD_SIGNATURE');
    // the same with a well-formed signature by another chain's key (the forger's own)
    const forger = fx.senders[2].get('eve.1')!;
    const impostor = { ...forger, own: { ...forger.own!, chainId: victim.chainId, iteration: victim.iteration, chainKey: victim.chainKey, headerKey: victim.headerKey } };
    const forged = encryptGroupMessage(SUITE, { ...impostor, self: 'bo.1' }, utf8('forged'), rnd).message;
    refused(forged, 'BAD_SIGNATURE');
  });

  test('a member naming another sender in a header sealed under its own chain: SENDER_MISMATCH', () => {
    for (const claimed of [{ self: 'bo.1' }, { self: 'zoe.1' }]) {
      const eve = fx.senders[4].get('eve.1')!;
      refused(encryptGroupMessage(SUITE, { ...eve, ...claimed }, utf8('as someone else'), rnd).message, 'SENDER_MISMATCH');
    }
    // or another group's id, or another chain id, under its own chain's header key
    const own = fx.senders[4].get('eve.1')!.own!;
    const at = chainsAtZoe(4, 'eve.1')[0];
    const sig = rnd(3373);
    const headers: GroupHeader[] = [
      { groupId: fx.zoe[3].membership.groupId, sender: 'eve.1', chainId: own.chainId, iteration: at.iteration },
      { groupId: fx.zoe[4].membership.groupId, sender: 'eve.1', chainId: own.chainId ^ 1, iteration: at.iteration },
    ];
    for (const h of headers) refused(craft(own.headerKey, encodeGroupHeader(h), at.chainKey, utf8('x'), sig), 'SENDER_MISMATCH');
  });

  test('a header that opens under a chain\'s key but is malformed (non-zero padding): BAD_VALUE', () => {
    const at = chainsAtZoe(0, 'dee.2')[0];
    const header = encodeGroupHeader({ groupId: fx.zoe[0].membership.groupId, sender: 'dee.2', chainId: at.chainId, iteration: at.iteration });
    header[88] = 1;
    refused(craft(at.headerKey, header, at.chainKey, utf8('x'), rnd(3373)), 'BAD_VALUE');
  });

  test('a member reusing another member\'s header key for its own chain cannot shadow it', () => {
    // amelia.1 hands zoe a new chain whose HK is eve.1's: zoe's trial meets amelia's chains first
    const amelia = fx.senders[1].get('amelia.1')!;
    const eve = chainsAtZoe(1, 'eve.1')[0];
    const shadow = { ...amelia, own: { ...createSenderChain(rnd, amelia.own!.epoch + 1), headerKey: eve.headerKey } };
    const states = [fx.zoe[0], distribute(fx.zoe[1], 'amelia.1', shadow)];
    expect(states[1].received[0].chains[0].headerKey).toEqual(eve.headerKey);
    const r = decryptGroupMessageIn(SUITE, states, decodeGroupMessage(send(1, 'eve.1', 'still mine')));
    expect([r.index, r.sender, text(r.plaintext)]).toEqual([1, 'eve.1', 'still mine']);
  });

  test('a replay is DUPLICATE_MESSAGE; a jump over 1000 is TOO_MANY_SKIPPED; a forged far-ahead message evicts nothing', () => {
    const g = 3;
    const sender = 'amelia.1';
    const first = send(g, sender, 'first');
    const skipped = send(g, sender, 'skipped');
    const third = send(g, sender, 'third');
    let states = fx.zoe;
    for (const bytes of [first, third]) {
      const r = decryptGroupMessageIn(SUITE, states, decodeGroupMessage(bytes));
      states = states.map((s, k) => (k === r.index ? r.state : s));
    }
    refused(first, 'DUPLICATE_MESSAGE', states);
    refused(third, 'DUPLICATE_MESSAGE', states);
    const at = states[g].received.find((s) => s.sender === sender)!.chains[0];
    expect(at.skipped.map((k) => k.iteration)).toContain(at.iteration - 2); // 'skipped' is kept
    // a member forges a message 1000 ahead on the chain: it would evict the kept key, but the
    // signature fails and nothing changes; the skipped message still opens afterwards
    let ck = at.chainKey;
    for (let i = 0; i < 1000; i++) ck = kdfSenderChain(SUITE, ck).next;
    const header = (iteration: number) => encodeGroupHeader({ groupId: states[g].membership.groupId, sender, chainId: at.chainId, iteration });
    refused(craft(at.headerKey, header(at.iteration + 1000), ck, utf8('far'), rnd(3373)), 'BAD_SIGNATURE', states);
    refused(craft(at.headerKey, header(at.iteration + 1001), kdfSenderChain(SUITE, ck).next, utf8('too far'), rnd(3373)), 'TOO_MANY_SKIPPED', states);
    const r = decryptGroupMessageIn(SUITE, states, decodeGroupMessage(skipped));
    expect([r.sender, text(r.plaintext)]).toEqual([sender, 'skipped']);
  });
});

describe('property: any delivery order of messages on several chains (PROTOCOL.md §15.3)', () => {
  const CHAINS = [
    [0, 'amelia.1'],
    [0, 'christopher-long-name.7'],
    [2, 'amelia.1'],
    [2, 'dee.2'],
  ] as const;

  test('each message opens exactly once, at its group, from its sender; replays change nothing', () => {
    let runs = 0;
    fc.assert(
      fc.property(
        fc.array(fc.nat(CHAINS.length - 1), { minLength: 1, maxLength: 7 }),
        fc.func(fc.nat()),
        fc.array(fc.nat(), { maxLength: 3 }),
        (sends, rank, dups) => {
          runs++;
          const senders = fx.senders.map((m) => new Map(m));
          const sent = sends.map((c, i) => {
            const [g, a] = CHAINS[c];
            return { group: g, sender: a, body: `m${i}`, bytes: send(g, a, `m${i}`, senders) };
          });
          const order = sent.map((_, i) => i).sort((i, j) => rank(i) - rank(j) || i - j);
          for (const d of dups) order.splice(d % (order.length + 1), 0, order[d % order.length]);
          const seen = new Set<number>();
          let states = fx.zoe;
          for (const i of order) {
            const m = sent[i];
            if (seen.has(i)) {
              refused(m.bytes, 'DUPLICATE_MESSAGE', states);
              continue;
            }
            const r = decryptGroupMessageIn(SUITE, states, decodeGroupMessage(m.bytes));
            expect([r.index, r.sender, text(r.plaintext)]).toEqual([m.group, m.sender, m.body]);
            states = states.map((s, k) => (k === r.index ? r.state : s));
            seen.add(i);
          }
          expect(seen.size).toBe(sent.length);
        },
      ),
      { numRuns: 12, seed: 15 },
    );
    expect(runs).toBe(12);
  }, 120_000);
});

/** True if `needle` occurs in `hex` at a byte boundary. */
function occursAligned(hex: string, needle: string): boolean {
  for (let i = hex.indexOf(needle); i >= 0; i = hex.indexOf(needle, i + 1)) if (i % 2 === 0) return true;
  return false;
}

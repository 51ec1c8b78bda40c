/**
 * Group send cost against group size (docs/PROTOCOL.md §15.11, docs/SERVER.md §14): for groups of
 * 2, 10, 100 and 1,000 members (simulated, one device each), once sender keys are distributed:
 * the sender's CPU for one group message (chain step, AEAD, hybrid signature), one receiver's
 * CPU to verify and decrypt it, the bytes of the one GROUP_SEND upload (printed), and the server's
 * fan-out of that upload into N − 1 mailboxes (SqliteStore.storeGroupMessage, one transaction).
 * The aim: the sender's cost does not grow with N; only the upload's recipient list and the
 * server's per-mailbox rows do. Sealed messages (PROTOCOL.md §15.4, §15.11): a receiver finds a
 * message's chain by trial among every chain it holds, so the receive cost is also measured with
 * 50 and 500 chains held in 5 groups (the message's chain tried last), with one header trial alone
 * and with the decoding of one stored group state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distributionOf } from '../src/protocol/groups/distribution.ts';
import { decodeGroupState, encodeGroupState } from '../src/protocol/groups/group-state-codec.ts';
import {
  createGroup,
  decryptGroupMessage,
  decryptGroupMessageIn,
  encryptGroupMessage,
  receiveChange,
  receiveDistribution,
  type GroupState,
} from '../src/protocol/groups/group-state.ts';
import { openGroupHeader } from '../src/protocol/groups/group-header.ts';
import { decodeGroupMessage } from '../src/protocol/groups/sender-key.ts';
import { defaultSuite } from '../src/protocol/default-suite.ts';
import { generateIdentity } from '../src/protocol/identity.ts';
import { SqliteStore } from '../src/server/sqlite-store.ts';
import { utf8 } from '../src/util/bytes.ts';
import { defaultRandom } from '../src/util/random.ts';
import { encodeFrame } from '../src/wire/frame.ts';
import type { BenchCase } from './harness.ts';

const SIZES = [2, 10, 100, 1000];
const BODY = utf8('a group message of about sixty bytes, typical of a chat line');

export async function cases(): Promise<BenchCase[]> {
  const suite = defaultSuite;
  const alice = generateIdentity(suite, defaultRandom);
  const dir = mkdtempSync(join(tmpdir(), 'pqmsg-bench-groups-'));
  const out: BenchCase[] = [];
  for (const n of SIZES) {
    const others = Array.from({ length: n - 1 }, (_, i) => `m${i}`);
    const created = createGroup(suite, alice, 'alice.1', 'bench', others, defaultRandom);
    let sender = created.state;
    // one receiver (m0.1) holding alice's chain, as after distribution
    let receiver = receiveChange(suite, undefined, 'm0.1', created.change, alice.publicKey, defaultRandom).state;
    receiver = receiveDistribution(suite, receiver, 'alice.1', alice.publicKey, distributionOf(suite, alice, sender.membership.groupId, sender.own!, defaultRandom));
    const sample = encryptGroupMessage(suite, sender, BODY, defaultRandom);
    const recipients = others.map((u) => ({ username: u, deviceId: 1 }));
    const frame = encodeFrame({
      kind: 'request',
      id: 1,
      request: { op: 'groupSend', recipients, clientMessageId: new Uint8Array(16), envelope: sample.message },
    });
    console.log(`groups: N = ${n}: group message ${sample.message.length} B, GROUP_SEND upload ${frame.length} B (one upload for ${n - 1} devices)`);
    out.push({
      area: 'groups',
      op: `group send, sender CPU (N = ${n})`,
      impls: {
        pqmsg: () => {
          sender = encryptGroupMessage(suite, sender, BODY, defaultRandom).state;
        },
      },
    });
    const m = decodeGroupMessage(sample.message);
    out.push({
      area: 'groups',
      op: `group receive, one member's CPU (N = ${n})`,
      impls: { pqmsg: () => decryptGroupMessage(suite, receiver, m) },
    });
    if (n === SIZES[0]) out.push(...trialCases(receiver, m));
    const store = new SqliteStore(join(dir, `fanout-${n}.sqlite`));
    await store.registerDevice({ username: 'alice', deviceId: 1 }, Uint8Array.of(0), 0);
    for (const r of recipients) await store.registerDevice(r, Uint8Array.of(1), 0);
    let id = 0;
    const quota = { maxMessages: 1 << 30, maxBytes: 2 ** 50 };
    out.push({
      area: 'groups',
      op: `server fan-out of one GROUP_SEND into ${n - 1} mailboxes (SQLite, synchronous=FULL)`,
      impls: {
        pqmsg: async () => {
          const clientMessageId = new Uint8Array(16);
          new DataView(clientMessageId.buffer).setUint32(0, ++id);
          await store.storeGroupMessage(
            { sender: { username: 'alice', deviceId: 1 }, recipients, clientMessageId, envelope: sample.message, serverTimestamp: 1, expiredBefore: 0 },
            quota,
          );
        },
      },
      teardown: async () => {
        await store.close();
        if (n === SIZES[SIZES.length - 1]) rmSync(dir, { recursive: true, force: true });
      },
    });
  }
  return out;
}

/**
 * The receiver's trial (PROTOCOL.md §15.4): `receiver` holds the message's chain; other groups
 * hold `chains − 1` further chains (random keys, 5 groups), tried before it.
 */
function trialCases(receiver: GroupState, m: ReturnType<typeof decodeGroupMessage>): BenchCase[] {
  const real = receiver.received[0].chains[0];
  const decoy = (i: number) => ({
    sender: `d${i}.1`,
    chains: [{ ...real, chainId: i, chainKey: defaultRandom(32), headerKey: defaultRandom(32) }],
  });
  const holding = (chains: number): GroupState[] => {
    const per = Math.ceil((chains - 1) / 5);
    const others = Array.from({ length: 5 }, (_, g) => ({
      ...receiver,
      received: Array.from({ length: Math.min(per, chains - 1 - g * per) }, (_, k) => decoy(g * per + k)),
    }));
    return [...others, receiver];
  };
  const out: BenchCase[] = [];
  for (const chains of [50, 500]) {
    const states = holding(chains);
    out.push({
      area: 'groups',
      op: `group receive with ${chains} chains held in 6 groups (its chain tried last)`,
      impls: { pqmsg: () => decryptGroupMessageIn(defaultSuite, states, m) },
    });
  }
  const wrong = defaultRandom(32);
  out.push({
    area: 'groups',
    op: 'one header trial: XChaCha20-Poly1305 open of the 105-byte sealed header under a wrong key',
    impls: { pqmsg: () => openGroupHeader(defaultSuite, wrong, m.nonce, m.sealedHeader) },
  });
  const stored = encodeGroupState(receiver);
  out.push({
    area: 'groups',
    op: `decode one stored group state (${stored.length} B, no key derivation)`,
    impls: { pqmsg: () => decodeGroupState(stored) },
  });
  return out;
}

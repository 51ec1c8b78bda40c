import { describe, expect, test } from 'vitest';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import {
  createSenderChain,
  decodeGroupMessage,
  encodeGroupHeader,
  groupDecrypt,
  groupEncrypt,
  isGroupMessage,
  kdfSenderChain,
  type ReceivedSenderChain,
} from '../../../src/protocol/groups/sender-key.ts';
import { MAX_GROUP_SKIP } from '../../../src/protocol/groups/constants.ts';
import { HYBRID_SIGNATURE_BYTES } from '../../../src/protocol/constants.ts';
import { utf8 } from '../../../src/util/bytes.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { detRandom } from '../helpers/det-rng.ts';
import { SUITE } from '../helpers/suites.ts';

const GROUP = new Uint8Array(16).fill(7);
const rnd = detRandom('sender-key tests');
const own0 = createSenderChain(SUITE, rnd, 1);
const receiver0: ReceivedSenderChain = {
  chainId: own0.chainId,
  epoch: own0.epoch,
  iteration: 0,
  chainKey: own0.chainKey,
  signingKey: own0.signing.publicKey,
  skipped: [],
};

/** Sends `n` messages from own0, returning them in order. */
function sendN(n: number): Uint8Array[] {
  let chain = own0;
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const r = groupEncrypt(SUITE, chain, GROUP, 'alice.1', utf8(`m${i}`), rnd);
    chain = r.chain;
    out.push(r.message);
  }
  return out;
}
const messages = sendN(4);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('Sender Keys chain KDF (PROTOCOL.md §15.2)', () => {
  test('seed = HMAC-SHA256(CK, 0x01), CK\' = HMAC-SHA256(CK, 0x02), keys = HKDF(seed) against @noble', () => {
    const ck = own0.chainKey;
    const { seed, next } = kdfSenderChain(SUITE, ck);
    expect(seed).toEqual(hmac(sha256, ck, Uint8Array.of(1)));
    expect(next).toEqual(hmac(sha256, ck, Uint8Array.of(2)));
    const okm = hkdf(sha256, seed, new Uint8Array(32), utf8('pqmsg v1 group message keys'), 44);
    const m = decodeGroupMessage(messages[0]);
    const header = encodeGroupHeader(GROUP, 'alice.1', own0.chainId, 0);
    expect(m.header).toEqual(header);
    const plain = chacha20poly1305(okm.subarray(0, 32), okm.subarray(32), header).decrypt(m.ciphertext);
    expect(text(plain)).toBe('m0');
  });

  test('a group message carries one 3373-byte hybrid signature whatever its length', () => {
    for (const bytes of messages) {
      expect(isGroupMessage(bytes)).toBe(true);
      expect(decodeGroupMessage(bytes).signature.length).toBe(HYBRID_SIGNATURE_BYTES);
      expect(HYBRID_SIGNATURE_BYTES).toBe(64 + 3309);
    }
  });
});

describe('group decrypt: order, skipped keys, duplicates (PROTOCOL.md §15.3)', () => {
  test('in order, out of order and reversed: every message opens exactly once', () => {
    for (const order of [[0, 1, 2, 3], [3, 1, 0, 2], [3, 2, 1, 0]]) {
      let chain = receiver0;
      const seen: string[] = [];
      for (const i of order) {
        const r = groupDecrypt(SUITE, chain, decodeGroupMessage(messages[i]));
        chain = r.chain;
        seen.push(text(r.plaintext));
      }
      expect(seen).toEqual(order.map((i) => `m${i}`));
      expect(chain.skipped.length).toBe(0);
      for (const i of order) expect(codeOf(() => groupDecrypt(SUITE, chain, decodeGroupMessage(messages[i])))).toBe('DUPLICATE_MESSAGE');
    }
  });

  test('a message more than MAX_GROUP_SKIP ahead is TOO_MANY_SKIPPED; exactly MAX_GROUP_SKIP ahead opens', () => {
    const far = { ...own0, iteration: MAX_GROUP_SKIP + 1, chainKey: advance(own0.chainKey, MAX_GROUP_SKIP + 1) };
    const tooFar = groupEncrypt(SUITE, far, GROUP, 'alice.1', utf8('x'), rnd).message;
    expect(codeOf(() => groupDecrypt(SUITE, receiver0, decodeGroupMessage(tooFar)))).toBe('TOO_MANY_SKIPPED');
    const edge = { ...own0, iteration: MAX_GROUP_SKIP, chainKey: advance(own0.chainKey, MAX_GROUP_SKIP) };
    const ok = groupEncrypt(SUITE, edge, GROUP, 'alice.1', utf8('edge'), rnd).message;
    const r = groupDecrypt(SUITE, receiver0, decodeGroupMessage(ok));
    expect(text(r.plaintext)).toBe('edge');
    expect(r.chain.skipped.length).toBe(MAX_GROUP_SKIP);
    expect(r.chain.iteration).toBe(MAX_GROUP_SKIP + 1);
  });

  test('skipped keys are bounded: the oldest is evicted and its message is then a duplicate', () => {
    // receive m3 (skips 0,1,2), then jump MAX_GROUP_SKIP ahead: 0,1,2 are evicted first
    let chain = groupDecrypt(SUITE, receiver0, decodeGroupMessage(messages[3])).chain;
    expect(chain.skipped.map((k) => k.iteration)).toEqual([0, 1, 2]);
    const ahead = { ...own0, iteration: 4 + MAX_GROUP_SKIP, chainKey: advance(own0.chainKey, 4 + MAX_GROUP_SKIP) };
    const m = groupEncrypt(SUITE, ahead, GROUP, 'alice.1', utf8('ahead'), rnd).message;
    chain = groupDecrypt(SUITE, chain, decodeGroupMessage(m)).chain;
    expect(chain.skipped.length).toBe(MAX_GROUP_SKIP);
    expect(chain.skipped[0].iteration).toBe(4); // 0, 1, 2 evicted
    expect(codeOf(() => groupDecrypt(SUITE, chain, decodeGroupMessage(messages[0])))).toBe('DUPLICATE_MESSAGE');
  });
});

describe('group decrypt: forgeries change nothing (PROTOCOL.md §15.4)', () => {
  test('a flipped byte anywhere is rejected (signature first) and the chain is unchanged', () => {
    const original = messages[1];
    const positions = [2, 20, 30, original.length - HYBRID_SIGNATURE_BYTES - 5, original.length - 1];
    for (const pos of positions) {
      const bad = original.slice();
      bad[pos] ^= 1;
      const before = JSON.stringify(receiver0);
      const code = codeOf(() => groupDecrypt(SUITE, receiver0, decodeGroupMessage(bad)));
      expect(['BAD_SIGNATURE', 'UNKNOWN_SENDER_CHAIN', 'BAD_VALUE', 'TRUNCATED']).toContain(code);
      expect(JSON.stringify(receiver0)).toBe(before);
    }
  });

  test('a member holding the chain key but not the signing key cannot forge (impersonation)', () => {
    const impostor = { ...own0, signing: createSenderChain(SUITE, rnd, 1).signing };
    const forged = groupEncrypt(SUITE, impostor, GROUP, 'alice.1', utf8('forged'), rnd).message;
    expect(codeOf(() => groupDecrypt(SUITE, receiver0, decodeGroupMessage(forged)))).toBe('BAD_SIGNATURE');
  });
});

function advance(ck: Uint8Array, n: number): Uint8Array {
  let k = ck;
  for (let i = 0; i < n; i++) k = kdfSenderChain(SUITE, k).next;
  return k;
}

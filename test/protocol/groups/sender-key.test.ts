import { describe, expect, test } from 'vitest';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import {
  chainSigningKey,
  createSenderChain,
  decodeGroupMessage,
  groupDecrypt,
  groupEncrypt,
  isGroupMessage,
  kdfSenderChain,
  type ReceivedSenderChain,
} from '../../../src/protocol/groups/sender-key.ts';
import { encodeGroupHeader, openGroupHeader } from '../../../src/protocol/groups/group-header.ts';
import { MAX_GROUP_SKIP } from '../../../src/protocol/groups/constants.ts';
import { HYBRID_SIGNATURE_BYTES } from '../../../src/protocol/constants.ts';
import { utf8 } from '../../../src/util/bytes.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { detRandom } from '../helpers/det-rng.ts';
import { SUITE } from '../helpers/suites.ts';

const GROUP = new Uint8Array(16).fill(7);
const rnd = detRandom('sender-key tests');
const own0 = createSenderChain(rnd, 1);
const receiver0: ReceivedSenderChain = {
  chainId: own0.chainId,
  epoch: own0.epoch,
  iteration: 0,
  chainKey: own0.chainKey,
  headerKey: own0.headerKey,
  signingKey: chainSigningKey(SUITE, own0),
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

/** The receiver's step on a known chain: open the header under its HK, then groupDecrypt. */
function open(chain: ReceivedSenderChain, bytes: Uint8Array) {
  const m = decodeGroupMessage(bytes);
  const header = openGroupHeader(SUITE, chain.headerKey, m.nonce, m.sealedHeader);
  if (header === null) throw new Error('header does not open under this chain');
  return groupDecrypt(SUITE, chain, header, m);
}

describe('Sender Keys chain KDF and the sealed layout (PROTOCOL.md §15.2, §15.4)', () => {
  test('seed, CK\', message keys, header and body open by the spec alone (@noble HMAC, HKDF, XChaCha20/ChaCha20-Poly1305)', () => {
    const ck = own0.chainKey;
    const { seed, next } = kdfSenderChain(SUITE, ck);
    expect(seed).toEqual(hmac(sha256, ck, Uint8Array.of(1)));
    expect(next).toEqual(hmac(sha256, ck, Uint8Array.of(2)));
    const okm = hkdf(sha256, seed, new Uint8Array(32), utf8('pqmsg v1 group message keys'), 44);
    const bytes = messages[0];
    expect([...bytes.subarray(0, 2)]).toEqual([0x02, 0x10]);
    const nonce = bytes.subarray(2, 26);
    const header = xchacha20poly1305(own0.headerKey, nonce, Uint8Array.of(0x02, 0x10)).decrypt(bytes.subarray(26, 131));
    expect(header).toEqual(encodeGroupHeader({ groupId: GROUP, sender: 'alice.1', chainId: own0.chainId, iteration: 0 }));
    expect(header.length).toBe(89);
    const inner = chacha20poly1305(okm.subarray(0, 32), okm.subarray(32), bytes.subarray(0, 131)).decrypt(bytes.subarray(131));
    expect(text(inner.subarray(0, inner.length - HYBRID_SIGNATURE_BYTES))).toBe('m0');
  });

  test('the header is fixed-size: 89 bytes whatever the sender address, zero-padded', () => {
    for (const sender of ['a.1', 'alice.1', 'x'.repeat(62) + '.9']) {
      const h = encodeGroupHeader({ groupId: GROUP, sender, chainId: 1, iteration: 2 });
      expect(h.length).toBe(89);
      expect(h[24]).toBe(utf8(sender).length);
      expect(h.subarray(25 + utf8(sender).length).every((b) => b === 0)).toBe(true);
    }
    expect(codeOf(() => encodeGroupHeader({ groupId: GROUP, sender: 'x'.repeat(65), chainId: 1, iteration: 2 }))).toBe('BAD_VALUE');
  });

  test('a group message is content + 3520 bytes: prefix 131, signature 3373 and tag 16 inside the body', () => {
    for (const [i, bytes] of messages.entries()) {
      expect(isGroupMessage(bytes)).toBe(true);
      expect(bytes.length).toBe(`m${i}`.length + 2 + 24 + 105 + HYBRID_SIGNATURE_BYTES + 16);
      expect(decodeGroupMessage(bytes).prefix).toEqual(bytes.subarray(0, 131));
    }
    expect(HYBRID_SIGNATURE_BYTES).toBe(64 + 3309);
  });

  test('the old unsealed format (version 0x01) is still routed as a group message and refused: BAD_VERSION', () => {
    const old = messages[0].slice();
    old[0] = 0x01;
    expect(isGroupMessage(old)).toBe(true);
    expect(codeOf(() => decodeGroupMessage(old))).toBe('BAD_VERSION');
    const wrongType = messages[0].slice();
    wrongType[1] = 0x02;
    expect(isGroupMessage(wrongType)).toBe(false);
    expect(codeOf(() => decodeGroupMessage(wrongType))).toBe('BAD_TAG');
    expect(codeOf(() => decodeGroupMessage(messages[0].subarray(0, 131 + 3388)))).toBe('TRUNCATED');
  });
});

describe('group decrypt: order, skipped keys, duplicates (PROTOCOL.md §15.3)', () => {
  test('in order, out of order and reversed: every message opens exactly once', () => {
    for (const order of [[0, 1, 2, 3], [3, 1, 0, 2], [3, 2, 1, 0]]) {
      let chain = receiver0;
      const seen: string[] = [];
      for (const i of order) {
        const r = open(chain, messages[i]);
        chain = r.chain;
        seen.push(text(r.plaintext));
      }
      expect(seen).toEqual(order.map((i) => `m${i}`));
      expect(chain.skipped.length).toBe(0);
      for (const i of order) expect(codeOf(() => open(chain, messages[i]))).toBe('DUPLICATE_MESSAGE');
    }
  });

  test('a message more than MAX_GROUP_SKIP ahead is TOO_MANY_SKIPPED; exactly MAX_GROUP_SKIP ahead opens', () => {
    const far = { ...own0, iteration: MAX_GROUP_SKIP + 1, chainKey: advance(own0.chainKey, MAX_GROUP_SKIP + 1) };
    const tooFar = groupEncrypt(SUITE, far, GROUP, 'alice.1', utf8('x'), rnd).message;
    expect(codeOf(() => open(receiver0, tooFar))).toBe('TOO_MANY_SKIPPED');
    const edge = { ...own0, iteration: MAX_GROUP_SKIP, chainKey: advance(own0.chainKey, MAX_GROUP_SKIP) };
    const ok = groupEncrypt(SUITE, edge, GROUP, 'alice.1', utf8('edge'), rnd).message;
    const r = open(receiver0, ok);
    expect(text(r.plaintext)).toBe('edge');
    expect(r.chain.skipped.length).toBe(MAX_GROUP_SKIP);
    expect(r.chain.iteration).toBe(MAX_GROUP_SKIP + 1);
  });

  test('skipped keys are bounded: the oldest is evicted and its message is then a duplicate', () => {
    // receive m3 (skips 0,1,2), then jump MAX_GROUP_SKIP ahead: 0,1,2 are evicted first
    let chain = open(receiver0, messages[3]).chain;
    expect(chain.skipped.map((k) => k.iteration)).toEqual([0, 1, 2]);
    const ahead = { ...own0, iteration: 4 + MAX_GROUP_SKIP, chainKey: advance(own0.chainKey, 4 + MAX_GROUP_SKIP) };
    const m = groupEncrypt(SUITE, ahead, GROUP, 'alice.1', utf8('ahead'), rnd).message;
    chain = open(chain, m).chain;
    expect(chain.skipped.length).toBe(MAX_GROUP_SKIP);
    expect(chain.skipped[0].iteration).toBe(4); // 0, 1, 2 evicted
    expect(codeOf(() => open(chain, messages[0]))).toBe('DUPLICATE_MESSAGE');
  });
});

describe('group decrypt: forgeries change nothing (PROTOCOL.md §15.4)', () => {
  test('a flipped byte in the nonce or sealed header: the header no longer opens under HK', () => {
    for (const pos of [2, 25, 26, 100, 130]) {
      const bad = messages[1].slice();
      bad[pos] ^= 1;
      const m = decodeGroupMessage(bad);
      expect(openGroupHeader(SUITE, receiver0.headerKey, m.nonce, m.sealedHeader)).toBeNull();
    }
  });

  test('a flipped byte in the body (content, signature or tag) is AUTH_FAILED and the chain is unchanged', () => {
    const original = messages[1];
    for (const pos of [131, 140, original.length - HYBRID_SIGNATURE_BYTES, original.length - 17, original.length - 1]) {
      const bad = original.slice();
      bad[pos] ^= 1;
      const before = JSON.stringify(receiver0);
      expect(codeOf(() => open(receiver0, bad))).toBe('AUTH_FAILED');
      expect(JSON.stringify(receiver0)).toBe(before);
    }
  });

  test('a member holding the chain and header keys but not the signing key cannot forge (impersonation)', () => {
    const impostor = { ...own0, signingSeeds: createSenderChain(rnd, 1).signingSeeds };
    const forged = groupEncrypt(SUITE, impostor, GROUP, 'alice.1', utf8('forged'), rnd).message;
    expect(codeOf(() => open(receiver0, forged))).toBe('BAD_SIGNATURE');
  });

  test('a header naming another chain id than the chain whose key opened it is SENDER_MISMATCH', () => {
    const other = { ...own0, chainId: own0.chainId ^ 1 };
    const forged = groupEncrypt(SUITE, other, GROUP, 'alice.1', utf8('x'), rnd).message;
    expect(codeOf(() => open(receiver0, forged))).toBe('SENDER_MISMATCH');
  });
});

function advance(ck: Uint8Array, n: number): Uint8Array {
  let k = ck;
  for (let i = 0; i < n; i++) k = kdfSenderChain(SUITE, k).next;
  return k;
}

import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { defaultSuite } from '../../../src/protocol/default-suite.ts';
import { concatBytes, fromHex, utf8 } from '../../../src/util/bytes.ts';
import { nobleSuite } from '../../helpers/noble-suite.ts';
import { makeGroupVector, VECTOR_FILE, type GroupVector } from './helpers/vector.ts';

const committed = JSON.parse(readFileSync(VECTOR_FILE, 'utf8')) as GroupVector;

describe('group-message vector (test/vectors/group-message.json, PROTOCOL.md §15.10)', () => {
  test('the committed key schedule holds by the spec alone (@noble HMAC, HKDF, ChaCha20-Poly1305)', () => {
    const ck0 = fromHex(committed.chain.CK0);
    expect(hmac(sha256, ck0, Uint8Array.of(1))).toEqual(fromHex(committed.chain.seed0));
    expect(hmac(sha256, ck0, Uint8Array.of(2))).toEqual(fromHex(committed.chain.CK1));
    const okm = hkdf(sha256, fromHex(committed.chain.seed0), new Uint8Array(32), utf8('pqmsg v1 group message keys'), 44);
    expect(okm).toEqual(fromHex(committed.chain.key0 + committed.chain.nonce0));
  });

  test('the committed message is sealed as PROTOCOL.md §15.4 says (@noble XChaCha20/ChaCha20-Poly1305, Ed25519, ML-DSA-65)', () => {
    const msg = committed.message;
    expect(msg.encoded).toBe('0210' + msg.headerNonce + msg.sealedHeader + msg.body);
    const prefix = fromHex('0210' + msg.headerNonce + msg.sealedHeader);
    expect(prefix.length).toBe(131);
    // the header opens under HK, AD = 0x02 ‖ 0x10, and names alice.1 on chain chainId, iteration 0
    const header = xchacha20poly1305(fromHex(committed.chain.HK), fromHex(msg.headerNonce), Uint8Array.of(2, 0x10)).decrypt(fromHex(msg.sealedHeader));
    expect(header).toEqual(fromHex(msg.header));
    const sender = utf8(committed.alice.address);
    const view = new DataView(header.buffer, header.byteOffset);
    expect([view.getUint32(16), view.getUint32(20), header[24]]).toEqual([committed.chain.chainId, 0, sender.length]);
    expect(header.subarray(25, 25 + sender.length)).toEqual(sender);
    // the body opens under key_0, nonce_0 with AD = the 131 bytes before it: content ‖ signature
    const aead = chacha20poly1305(fromHex(committed.chain.key0), fromHex(committed.chain.nonce0), prefix);
    expect(aead.decrypt(fromHex(msg.body))).toEqual(concatBytes(fromHex(committed.plaintext), fromHex(msg.signature)));
    // the signature: u32 len(label) ‖ "pqmsg v1 group message" ‖ 0x02 ‖ 0x10 ‖ header ‖ content, under
    // the chain's signing key from the distribution (after 0x02 ‖ groupId ‖ 3 × u32 ‖ CK ‖ HK)
    const label = utf8('pqmsg v1 group message');
    const tbs = concatBytes(Uint8Array.of(0, 0, 0, label.length), label, Uint8Array.of(2, 0x10), header, fromHex(committed.plaintext));
    const d = fromHex(committed.distribution);
    expect([d[0], d[93], d[126]]).toEqual([0x02, 0x21, 0x22]);
    const signature = fromHex(msg.signature);
    expect(signature.length).toBe(3373);
    expect(ed25519.verify(signature.subarray(0, 64), tbs, d.subarray(94, 126), { zip215: false })).toBe(true);
    expect(ml_dsa65.verify(signature.subarray(64), tbs, d.subarray(127, 127 + 1952))).toBe(true);
    expect(committed.bobDecrypts).toEqual({ sender: 'alice.1', plaintext: committed.plaintext });
  });

  test('pqmsg primitives reproduce the committed vector byte for byte', () => {
    expect(makeGroupVector(defaultSuite)).toEqual(committed);
  });

  test('the noble-backed oracle suite reproduces it byte for byte', () => {
    expect(makeGroupVector(nobleSuite)).toEqual(committed);
  });
});

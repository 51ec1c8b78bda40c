import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { defaultSuite } from '../../../src/protocol/default-suite.ts';
import { fromHex, utf8 } from '../../../src/util/bytes.ts';
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
    const aead = chacha20poly1305(okm.subarray(0, 32), okm.subarray(32), fromHex(committed.message.header));
    expect(aead.decrypt(fromHex(committed.message.ciphertext))).toEqual(fromHex(committed.plaintext));
    expect(committed.message.encoded.startsWith(committed.message.header)).toBe(true);
    expect(committed.message.encoded.endsWith(committed.message.signature)).toBe(true);
    expect(committed.message.signature.length).toBe(2 * 3373);
    expect(committed.message.header.slice(0, 4)).toBe('0110');
    expect(committed.bobDecrypts).toBe(committed.plaintext);
  });

  test('pqmsg primitives reproduce the committed vector byte for byte', () => {
    expect(makeGroupVector(defaultSuite)).toEqual(committed);
  });

  test('the noble-backed oracle suite reproduces it byte for byte', () => {
    expect(makeGroupVector(nobleSuite)).toEqual(committed);
  });
});

/**
 * Node Buffers as inputs (a review found X25519 and ML-DSA wiping the caller's Buffer through
 * Buffer#slice views): every public entry point must leave a Buffer argument untouched and give
 * the same result as for a plain Uint8Array. Also: misuse of incremental objects is refused.
 */
import { describe, expect, test } from 'vitest';
import { Poly1305 } from '../src/aead/poly1305.ts';
import { Sha3, Shake } from '../src/hash/sha3.ts';
import { chacha20poly1305, ed25519, mldsa65, mlkem768, x25519 } from '../src/index.ts';
import { Reader, Writer } from '../src/wire/codec.ts';
import { codeOf } from './helpers/error-code.ts';

/** A Buffer with the same bytes, at a non-zero offset inside a larger pool (as Node hands them out). */
function asBuffer(bytes: Uint8Array): Buffer {
  const pool = Buffer.alloc(bytes.length + 7, 0xee);
  bytes.forEach((b, i) => (pool[i + 3] = b));
  return pool.subarray(3, 3 + bytes.length);
}

const seed = (n: number, v: number) => new Uint8Array(n).fill(v);

describe('Buffer arguments are never modified', () => {
  test('X25519 keygen, getPublicKey, getSharedSecret', () => {
    const s = asBuffer(seed(32, 0x41));
    const kp = x25519.keygen(s);
    expect(Buffer.from(s)).toEqual(Buffer.alloc(32, 0x41));
    expect(kp.secretKey).toEqual(seed(32, 0x41));
    const sk = asBuffer(kp.secretKey);
    expect(x25519.getPublicKey(sk)).toEqual(kp.publicKey);
    const peer = x25519.keygen(seed(32, 7));
    const shared = x25519.getSharedSecret(sk, asBuffer(peer.publicKey));
    expect(shared).toEqual(x25519.getSharedSecret(peer.secretKey, kp.publicKey));
    expect(Buffer.from(sk)).toEqual(Buffer.alloc(32, 0x41));
  });

  test('Ed25519 keygen and sign: the secret key does not share memory with the seed', () => {
    const s = asBuffer(seed(32, 5));
    const kp = ed25519.keygen(s);
    s[0] ^= 1;
    expect(kp.secretKey).toEqual(seed(32, 5));
    const sig = ed25519.sign(asBuffer(kp.secretKey), asBuffer(seed(10, 1)));
    expect(ed25519.verify(asBuffer(kp.publicKey), asBuffer(seed(10, 1)), asBuffer(sig))).toBe(true);
  });

  test('ML-DSA-65 sign leaves a Buffer secret key intact (K is not wiped in place)', () => {
    const kp = mldsa65.keygen(seed(32, 9));
    const skBuf = asBuffer(kp.secretKey);
    const msg = seed(20, 3);
    const a = mldsa65.sign(skBuf, msg, { deterministic: true });
    expect(Buffer.from(skBuf)).toEqual(Buffer.from(kp.secretKey));
    const b = mldsa65.sign(skBuf, msg, { deterministic: true });
    expect(b).toEqual(a);
    expect(mldsa65.sign(kp.secretKey, msg, { deterministic: true })).toEqual(a);
  });

  test('ML-KEM-768 encapsulate/decapsulate with Buffers', () => {
    const kp = mlkem768.keygen(seed(64, 2));
    const pk = asBuffer(kp.publicKey);
    const sk = asBuffer(kp.secretKey);
    const { cipherText, sharedSecret } = mlkem768.encapsulate(pk, asBuffer(seed(32, 4)));
    expect(mlkem768.decapsulate(asBuffer(cipherText), sk)).toEqual(sharedSecret);
    expect(Buffer.from(sk)).toEqual(Buffer.from(kp.secretKey));
    expect(Buffer.from(pk)).toEqual(Buffer.from(kp.publicKey));
  });

  test('ChaCha20-Poly1305 with Buffers', () => {
    const key = asBuffer(seed(32, 1));
    const nonce = asBuffer(seed(12, 2));
    const pt = asBuffer(seed(100, 3));
    const sealed = chacha20poly1305.seal(key, nonce, pt);
    expect(chacha20poly1305.open(key, nonce, asBuffer(sealed))).toEqual(seed(100, 3));
    expect(Buffer.from(key)).toEqual(Buffer.alloc(32, 1));
  });

  test('wire Reader returns copies, not views of a Buffer input', () => {
    const bytes = asBuffer(new Writer().bytes(seed(8, 9)).fixed(seed(4, 6)).finish());
    const r = new Reader(bytes);
    const a = r.bytes();
    const b = r.fixed(4);
    a.fill(0);
    b.fill(0);
    expect(Buffer.from(bytes)).toEqual(Buffer.from(new Writer().bytes(seed(8, 9)).fixed(seed(4, 6)).finish()));
  });
});

describe('misuse of incremental objects and options is refused with typed errors', () => {
  test('Poly1305: one key, one message — update or digest after digest throws', () => {
    const mac = new Poly1305(seed(32, 1));
    mac.update(seed(20, 2));
    mac.digest();
    expect(codeOf(() => mac.update(seed(1, 0)))).toBe('BAD_PARAMS');
    expect(codeOf(() => mac.digest())).toBe('BAD_PARAMS');
    mac.reset(seed(32, 1));
    expect(mac.update(seed(20, 2)).digest()).toEqual(new Poly1305(seed(32, 1)).update(seed(20, 2)).digest());
  });

  test('Sha3 and Shake reject parameters that are not SHA-3 / SHAKE', () => {
    expect(codeOf(() => new Sha3(100 as 32))).toBe('BAD_PARAMS');
    expect(codeOf(() => new Shake(7 as 168))).toBe('BAD_PARAMS');
  });

  test('ML-DSA accepts null options as "no options"', () => {
    const kp = mldsa65.keygen(seed(32, 1));
    const sig = mldsa65.sign(kp.secretKey, seed(4, 1), null as never);
    expect(mldsa65.verify(kp.publicKey, seed(4, 1), sig, null as never)).toBe(true);
  });
});

/**
 * Reference twin of src/hash/blake2b.ts: BLAKE2b written as literally as RFC 7693 (November 2015)
 * states it — 64-bit words as bigint, G of §3.1 as a function on the array v, F of §3.2 as the
 * 12-round loop over σ[i mod 10], and §3.3's BLAKE2( d, ll, kk, nn ) over a padded block list.
 * IV and σ come from the shipped module (test/hash/blake2b.test.ts checks them against §2.6–2.7).
 * Slow on purpose; test oracle only. Side channels: bigint is variable-time (teaching code).
 */
import { IV as IV_HALVES, SIGMA } from '../../src/hash/blake2b.ts';

const MASK64 = (1n << 64n) - 1n;
const IV = Array.from({ length: 8 }, (_, i) => BigInt(IV_HALVES[2 * i]) | (BigInt(IV_HALVES[2 * i + 1]) << 32n));

/** x ⋙ n on 64-bit words. */
const rotr64 = (x: bigint, n: bigint): bigint => ((x >> n) | (x << (64n - n))) & MASK64;

/** RFC 7693 §3.1 (Mixing Function G), with R1..R4 = 32, 24, 16, 63 (§2.1). */
function G(v: bigint[], a: number, b: number, c: number, d: number, x: bigint, y: bigint): void {
  v[a] = (v[a] + v[b] + x) & MASK64;
  v[d] = rotr64(v[d] ^ v[a], 32n);
  v[c] = (v[c] + v[d]) & MASK64;
  v[b] = rotr64(v[b] ^ v[c], 24n);
  v[a] = (v[a] + v[b] + y) & MASK64;
  v[d] = rotr64(v[d] ^ v[a], 16n);
  v[c] = (v[c] + v[d]) & MASK64;
  v[b] = rotr64(v[b] ^ v[c], 63n);
}

/** RFC 7693 §3.2 (Compression Function F): h ← F(h, m, t, f). */
function F(h: bigint[], m: bigint[], t: bigint, f: boolean): void {
  const v = [...h, ...IV];
  v[12] ^= t & MASK64;
  v[13] ^= t >> 64n;
  if (f) v[14] ^= MASK64;
  for (let i = 0; i < 12; i++) {
    const s = SIGMA[i % 10];
    G(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
    G(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
    G(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
    G(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
    G(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
    G(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
    G(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
    G(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
  for (let i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
}

/** 16 little-endian 64-bit words of a 128-byte block. */
function words(block: Uint8Array): bigint[] {
  return Array.from({ length: 16 }, (_, i) => {
    let w = 0n;
    for (let j = 7; j >= 0; j--) w = (w << 8n) | BigInt(block[8 * i + j]);
    return w;
  });
}

/** RFC 7693 §3.3: BLAKE2( d[0..dd−1], ll, kk, nn ) for BLAKE2b (bb = 128). */
export function blake2bReference(msg: Uint8Array, nn = 64, key: Uint8Array = new Uint8Array(0)): Uint8Array {
  const kk = key.length;
  const ll = BigInt(msg.length);
  // d: the key block (if any) then the message, padded with zeros to whole blocks; at least one.
  const d: Uint8Array[] = [];
  if (kk > 0) {
    const k = new Uint8Array(128);
    k.set(key);
    d.push(k);
  }
  for (let i = 0; i < msg.length; i += 128) {
    const b = new Uint8Array(128);
    b.set(msg.subarray(i, i + 128));
    d.push(b);
  }
  if (d.length === 0) d.push(new Uint8Array(128));
  const dd = d.length;
  const h = [...IV];
  h[0] ^= 0x01010000n ^ (BigInt(kk) << 8n) ^ BigInt(nn);
  for (let i = 0; i < dd - 1; i++) F(h, words(d[i]), BigInt(i + 1) * 128n, false);
  // final block: t = ll (+ bb for the key block)
  F(h, words(d[dd - 1]), kk === 0 ? ll : ll + 128n, true);
  const out = new Uint8Array(nn);
  for (let i = 0; i < nn; i++) out[i] = Number((h[i >> 3] >> BigInt(8 * (i & 7))) & 0xffn);
  return out;
}

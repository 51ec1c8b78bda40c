/**
 * Reference twins of src/hash/sha256.ts and src/hash/sha512.ts: the SHA-256 and SHA-512
 * computations written as FIPS 180-4 (August 2015) states them — §5.1 padding on a byte array,
 * §6.2.2 / §6.4.2 as plain 64/80-round loops with the eight working variables moved each round;
 * SHA-512 on bigint words. A given H⁽⁰⁾ and digest length give the truncated variants (§6.3,
 * §6.5–6.7). Constants are taken from the shipped modules (they have their own test). Slow on purpose; test oracle only.
 * Side channels: bigint is variable-time (teaching code).
 */
import { H0_256, K256 } from '../../src/hash/sha256.ts';
import { H0_512, K512_HI, K512_LO } from '../../src/hash/sha512.ts';

/** §5.1.1 / §5.1.2: M ‖ 1 ‖ 0ᵏ ‖ ℓ (ℓ in `lenBytes` big-endian bytes). */
function pad(msg: Uint8Array, blockBytes: number, lenBytes: number): Uint8Array {
  const total = Math.ceil((msg.length + 1 + lenBytes) / blockBytes) * blockBytes;
  const out = new Uint8Array(total);
  out.set(msg);
  out[msg.length] = 0x80;
  let bits = BigInt(msg.length) * 8n;
  for (let i = total - 1; bits > 0n; i--, bits >>= 8n) out[i] = Number(bits & 0xffn);
  return out;
}

const rotr32 = (x: number, n: number): number => ((x >>> n) | (x << (32 - n))) >>> 0;

/** SHA-256 (or SHA-224 with its H⁽⁰⁾ and 28 bytes). FIPS 180-4, §6.2 (SHA-256), §6.3. */
export function sha256Reference(msg: Uint8Array, iv = H0_256, digestLength = 32): Uint8Array {
  const M = pad(msg, 64, 8);
  const H = Array.from(iv, (h) => h >>> 0);
  for (let i = 0; i < M.length; i += 64) {
    const W: number[] = [];
    for (let t = 0; t < 16; t++)
      W.push(((M[i + 4 * t] << 24) | (M[i + 4 * t + 1] << 16) | (M[i + 4 * t + 2] << 8) | M[i + 4 * t + 3]) >>> 0);
    for (let t = 16; t < 64; t++) {
      const s0 = rotr32(W[t - 15], 7) ^ rotr32(W[t - 15], 18) ^ (W[t - 15] >>> 3);
      const s1 = rotr32(W[t - 2], 17) ^ rotr32(W[t - 2], 19) ^ (W[t - 2] >>> 10);
      W.push((s1 + W[t - 7] + s0 + W[t - 16]) >>> 0);
    }
    let [a, b, c, d, e, f, g, h] = H;
    for (let t = 0; t < 64; t++) {
      const T1 =
        (h + (rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25)) + ((e & f) ^ (~e & g)) + (K256[t] >>> 0) + W[t]) >>> 0;
      const T2 = ((rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      h = g;
      g = f;
      f = e;
      e = (d + T1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (T1 + T2) >>> 0;
    }
    [a, b, c, d, e, f, g, h].forEach((x, j) => (H[j] = (H[j] + x) >>> 0));
  }
  const out = new Uint8Array(32);
  H.forEach((h, j) => new DataView(out.buffer).setUint32(4 * j, h));
  return out.slice(0, digestLength);
}

const MASK64 = (1n << 64n) - 1n;
const rotr64 = (x: bigint, n: bigint): bigint => ((x >> n) | (x << (64n - n))) & MASK64;
const word64 = (hi: number, lo: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

/** SHA-512 (or a truncated variant, given its H⁽⁰⁾). FIPS 180-4, §6.4 (SHA-512), §6.5–6.7. */
export function sha512Reference(msg: Uint8Array, iv = H0_512, digestLength = 64): Uint8Array {
  const M = pad(msg, 128, 16);
  const K = Array.from(K512_HI, (hi, t) => word64(hi, K512_LO[t]));
  const H = Array.from({ length: 8 }, (_, j) => word64(iv[2 * j], iv[2 * j + 1]));
  const view = new DataView(M.buffer);
  for (let i = 0; i < M.length; i += 128) {
    const W: bigint[] = [];
    for (let t = 0; t < 16; t++) W.push(view.getBigUint64(i + 8 * t));
    for (let t = 16; t < 80; t++) {
      const s0 = rotr64(W[t - 15], 1n) ^ rotr64(W[t - 15], 8n) ^ (W[t - 15] >> 7n);
      const s1 = rotr64(W[t - 2], 19n) ^ rotr64(W[t - 2], 61n) ^ (W[t - 2] >> 6n);
      W.push((s1 + W[t - 7] + s0 + W[t - 16]) & MASK64);
    }
    let [a, b, c, d, e, f, g, h] = H;
    for (let t = 0; t < 80; t++) {
      const S1 = rotr64(e, 14n) ^ rotr64(e, 18n) ^ rotr64(e, 41n);
      const T1 = (h + S1 + ((e & f) ^ (~e & MASK64 & g)) + K[t] + W[t]) & MASK64;
      const T2 = ((rotr64(a, 28n) ^ rotr64(a, 34n) ^ rotr64(a, 39n)) + ((a & b) ^ (a & c) ^ (b & c))) & MASK64;
      h = g;
      g = f;
      f = e;
      e = (d + T1) & MASK64;
      d = c;
      c = b;
      b = a;
      a = (T1 + T2) & MASK64;
    }
    [a, b, c, d, e, f, g, h].forEach((x, j) => (H[j] = (H[j] + x) & MASK64));
  }
  const out = new Uint8Array(64);
  H.forEach((h, j) => new DataView(out.buffer).setBigUint64(8 * j, h));
  return out.slice(0, digestLength); // leftmost bytes of H⁽ᴺ⁾
}

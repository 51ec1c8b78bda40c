/**
 * Reference ChaCha20 and HChaCha20 in loop form, shaped like RFC 8439 §2.1–2.4 and
 * draft-irtf-cfrg-xchacha-03 §2.2: the obvious twin of src/aead/chacha20.ts (which unrolls the
 * rounds over locals and XORs word-wise). Slow and test-only.
 * Side channels: not a concern here (test code).
 */

const CONSTANTS = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]; // "expand 32-byte k"

const rotl32 = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;
const le32 = (b: Uint8Array, i: number): number =>
  (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;

/** RFC 8439 §2.2: QUARTERROUND(a, b, c, d) on the state. */
export function refQuarterRound(x: number[], a: number, b: number, c: number, d: number): void {
  x[a] = (x[a] + x[b]) >>> 0; x[d] = rotl32(x[d] ^ x[a], 16);
  x[c] = (x[c] + x[d]) >>> 0; x[b] = rotl32(x[b] ^ x[c], 12);
  x[a] = (x[a] + x[b]) >>> 0; x[d] = rotl32(x[d] ^ x[a], 8);
  x[c] = (x[c] + x[d]) >>> 0; x[b] = rotl32(x[b] ^ x[c], 7);
}

/** RFC 8439 §2.3 inner_block: a column round then a diagonal round. */
function innerBlock(x: number[]): void {
  refQuarterRound(x, 0, 4, 8, 12);
  refQuarterRound(x, 1, 5, 9, 13);
  refQuarterRound(x, 2, 6, 10, 14);
  refQuarterRound(x, 3, 7, 11, 15);
  refQuarterRound(x, 0, 5, 10, 15);
  refQuarterRound(x, 1, 6, 11, 12);
  refQuarterRound(x, 2, 7, 8, 13);
  refQuarterRound(x, 3, 4, 9, 14);
}

function initialState(key: Uint8Array, counter: number, nonce: Uint8Array): number[] {
  const state = [...CONSTANTS];
  for (let i = 0; i < 8; i++) state.push(le32(key, 4 * i));
  state.push(counter >>> 0);
  for (let i = 0; i < 3; i++) state.push(le32(nonce, 4 * i));
  return state;
}

function serialize(words: number[]): Uint8Array {
  const out = new Uint8Array(4 * words.length);
  words.forEach((w, i) => {
    for (let j = 0; j < 4; j++) out[4 * i + j] = (w >>> (8 * j)) & 0xff;
  });
  return out;
}

/** RFC 8439 §2.3 chacha20_block(key, counter, nonce). */
export function refChacha20Block(key: Uint8Array, counter: number, nonce: Uint8Array): Uint8Array {
  const state = initialState(key, counter, nonce);
  const working = [...state];
  for (let i = 1; i <= 10; i++) innerBlock(working);
  return serialize(state.map((s, i) => (s + working[i]) >>> 0));
}

/** RFC 8439 §2.4 chacha20_encrypt(key, counter, nonce, plaintext). */
export function refChacha20(
  key: Uint8Array,
  nonce: Uint8Array,
  counter: number,
  data: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let j = 0; j * 64 < data.length; j++) {
    const keyStream = refChacha20Block(key, counter + j, nonce);
    for (let i = 0; i < 64 && 64 * j + i < data.length; i++)
      out[64 * j + i] = data[64 * j + i] ^ keyStream[i];
  }
  return out;
}

/** draft-irtf-cfrg-xchacha-03 §2.2 HChaCha20: 20 rounds, no final addition, words 0–3 ‖ 12–15. */
export function refHchacha20(key: Uint8Array, nonce16: Uint8Array): Uint8Array {
  const x = [...CONSTANTS];
  for (let i = 0; i < 8; i++) x.push(le32(key, 4 * i));
  for (let i = 0; i < 4; i++) x.push(le32(nonce16, 4 * i));
  for (let i = 1; i <= 10; i++) innerBlock(x);
  return serialize([...x.slice(0, 4), ...x.slice(12, 16)]);
}

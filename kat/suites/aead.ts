/**
 * KAT suites for the aead area: RFC 8439 (every vector kind of §2.1–2.8 and Appendix A, transcribed
 * to rfc/rfc8439.json) and Wycheproof ChaCha20-Poly1305 / XChaCha20-Poly1305 (valid cases seal to
 * ct‖tag and open to msg; invalid cases — modified tags, wrong nonce sizes — must throw).
 */
import {
  chacha20Block,
  chacha20InitState,
  chacha20,
  quarterRound,
} from '../../src/aead/chacha20.ts';
import { chacha20poly1305, poly1305KeyGen, type Aead } from '../../src/aead/chacha20poly1305.ts';
import { poly1305 } from '../../src/aead/poly1305.ts';
import { xchacha20poly1305 } from '../../src/aead/xchacha20poly1305.ts';
import { CryptoError } from '../../src/util/errors.ts';
import { hex, sameHex, type KatSuite, type Tally } from '../lib.ts';

const RFC8439 = 'rfc/rfc8439.json';
const WP_CHACHA = 'wycheproof/chacha20_poly1305_test.json';
const WP_XCHACHA = 'wycheproof/xchacha20_poly1305_test.json';

/** RFC 8439 prints ChaCha words as 8-digit big-endian hex. */
const words = (ws: string[]): Uint32Array => Uint32Array.from(ws, (w) => parseInt(w, 16));
const sameWords = (a: Uint32Array, ws: string[]): boolean =>
  a.length === ws.length && ws.every((w, i) => a[i] === parseInt(w, 16));

/** The 16 output words of the block function (serialized little-endian in the block). */
const blockWords = (block: Uint8Array): Uint32Array => {
  const out = new Uint32Array(16);
  const view = new DataView(block.buffer, block.byteOffset);
  for (let i = 0; i < 16; i++) out[i] = view.getUint32(4 * i, true);
  return out;
};

function rfcVectors(data: any, kind: string): any[] {
  return (data.vectors as any[]).filter((v) => v.kind === kind);
}

/** True if f throws a CryptoError whose code is one of `codes`. */
function throwsCode(f: () => unknown, ...codes: string[]): boolean {
  try {
    f();
  } catch (e) {
    return e instanceof CryptoError && codes.includes(e.code);
  }
  return false;
}

function rfcSuite(
  primitive: string,
  kind: string,
  passed: number,
  check: (v: any) => boolean,
): KatSuite {
  return {
    primitive,
    files: [RFC8439],
    expected: { passed },
    run([data], tally: Tally) {
      for (const v of rfcVectors(data, kind)) tally.check(v.id, () => check(v));
    },
  };
}

/** Wycheproof AEAD test: valid ⇒ seal = ct‖tag and open = msg; invalid ⇒ both reject (or open). */
function wycheproofSuite(primitive: string, file: string, aead: Aead, passed: number): KatSuite {
  return {
    primitive,
    files: [file],
    expected: { passed },
    run([data], tally: Tally) {
      for (const group of data.testGroups) {
        for (const t of group.tests) {
          const [key, iv, aad, msg] = [hex(t.key), hex(t.iv), hex(t.aad), hex(t.msg)];
          const sealed = hex(t.ct + t.tag);
          tally.check(`tcId ${t.tcId} (${t.result}; ${t.flags.join(',')})`, () => {
            if (t.result === 'valid')
              return (
                sameHex(aead.seal(key, iv, msg, aad), t.ct + t.tag) &&
                sameHex(aead.open(key, iv, sealed, aad), t.msg)
              );
            if (t.result !== 'invalid') throw new Error(`unexpected result ${t.result}`);
            // InvalidNonceSize: seal and open reject the nonce; ModifiedTag: open rejects the tag.
            if (iv.length !== aead.nonceLength)
              return throwsCode(() => aead.seal(key, iv, msg, aad), 'BAD_LENGTH') &&
                throwsCode(() => aead.open(key, iv, sealed, aad), 'BAD_LENGTH');
            return throwsCode(() => aead.open(key, iv, sealed, aad), 'AUTH_FAILED');
          });
        }
      }
    },
  };
}

export const suites: KatSuite[] = [
  rfcSuite('ChaCha quarter round (RFC 8439 §2.1)', 'chacha_quarter_round', 1, (v) => {
    const x = Uint32Array.from(['a', 'b', 'c', 'd'], (k) => parseInt(v.input[k], 16));
    quarterRound(x, 0, 1, 2, 3);
    return sameWords(x, ['a', 'b', 'c', 'd'].map((k) => v.output[k]));
  }),
  rfcSuite('ChaCha quarter round on state (§2.2)', 'chacha_quarter_round_on_state', 1, (v) => {
    const x = words(v.state_in);
    const [a, b, c, d] = v.indices;
    quarterRound(x, a, b, c, d);
    return sameWords(x, v.state_out);
  }),
  rfcSuite('ChaCha20 block (§2.3, A.1)', 'chacha20_block', 6, (v) => {
    const key = hex(v.key), nonce = hex(v.nonce);
    const block = chacha20Block(key, v.counter, nonce);
    const initial = chacha20InitState(key, v.counter, nonce);
    let ok = sameHex(block, v.serialized_block) && sameWords(blockWords(block), v.state_final);
    if (v.state_initial) ok &&= sameWords(initial, v.state_initial);
    if (v.state_after_20_rounds) {
      // The block is the rounds' output plus the initial state (§2.3).
      const rounds = blockWords(block).map((w, i) => w - initial[i]);
      ok &&= sameWords(rounds, v.state_after_20_rounds);
    }
    return ok;
  }),
  rfcSuite('ChaCha20 encrypt (§2.4, A.2)', 'chacha20_encrypt', 4, (v) => {
    const key = hex(v.key), nonce = hex(v.nonce);
    let ok =
      sameHex(chacha20(key, nonce, v.counter, hex(v.plaintext)), v.ciphertext) &&
      sameHex(chacha20(key, nonce, v.counter, hex(v.ciphertext)), v.plaintext);
    if (v.keystream) {
      const zeros = new Uint8Array(v.keystream.length / 2);
      ok &&= sameHex(chacha20(key, nonce, v.counter, zeros), v.keystream);
    }
    return ok;
  }),
  rfcSuite('Poly1305 (§2.5, A.3)', 'poly1305', 12, (v) =>
    sameHex(poly1305(hex(v.key), hex(v.message)), v.tag),
  ),
  rfcSuite('Poly1305 key generation (§2.6, A.4)', 'poly1305_key_gen', 4, (v) => {
    if (v.counter !== 0) throw new Error('§2.6 key generation uses block counter 0');
    return sameHex(poly1305KeyGen(hex(v.key), hex(v.nonce)), v.one_time_key);
  }),
  rfcSuite('AEAD_CHACHA20_POLY1305 (§2.8, A.5)', 'aead_chacha20_poly1305', 2, (v) => {
    const key = hex(v.key), nonce = hex(v.nonce), aad = hex(v.aad);
    const sealed = chacha20poly1305.seal(key, nonce, hex(v.plaintext), aad);
    return (
      sameHex(sealed, v.ciphertext + v.tag) &&
      sameHex(chacha20poly1305.open(key, nonce, hex(v.ciphertext + v.tag), aad), v.plaintext) &&
      sameHex(poly1305KeyGen(key, nonce), v.poly1305_key) &&
      sameHex(poly1305(hex(v.poly1305_key), hex(v.poly1305_input)), v.tag)
    );
  }),
  wycheproofSuite('ChaCha20-Poly1305', WP_CHACHA, chacha20poly1305, 325),
  wycheproofSuite('XChaCha20-Poly1305', WP_XCHACHA, xchacha20poly1305, 315),
];

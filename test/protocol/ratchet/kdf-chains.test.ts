import { createHmac, hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { kdfCK, kdfRK, messageKeys } from '../../../src/protocol/ratchet/kdf-chains.ts';
import { KDF_RK_INFO, MESSAGE_KEYS_INFO } from '../../../src/protocol/ratchet/constants.ts';
import { fromHex, utf8 } from '../../../src/util/bytes.ts';
import type { TraceEvent } from '../../../src/protocol/trace.ts';
import { suite } from './helpers.ts';

const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('Double Ratchet rev. 1 §5.2 — KDF_CK', () => {
  test('libsignal chain-key vector (rust/protocol/src/ratchet/keys.rs, test_chain_key_derivation)', () => {
    // Published facts: the same KDF_CK (HMAC-SHA256 with 0x01 / 0x02); libsignal then expands the
    // message seed with HKDF-SHA256(salt none, info "WhisperMessageKeys") to 80 bytes.
    const seed = fromHex('8ab72d6f4cc5ac0d387eaf463378ddb28edd07385b1cb01250c715982e7ad48f');
    const { chainKey, messageKey } = kdfCK(suite, seed);
    const nextChainKey = '28e8f8fee54b801eef7c5cfb2f17f32c7b334485bbb70fac6ec10342a246d15d';
    const cipherKey = 'bf51e9d75e0e31031051f82a2491ffc084fa298b7793bd9db620056febf45217';
    const macKey = 'c6c77d6a73a354337a56435e34607dfe48e3ace14e77314dc6abc172e7a7030b';
    expect(chainKey).toEqual(fromHex(nextChainKey));
    const expanded = suite.hkdf(messageKey, new Uint8Array(32), utf8('WhisperMessageKeys'), 80);
    expect(expanded.slice(0, 32)).toEqual(fromHex(cipherKey));
    expect(expanded.slice(32, 64)).toEqual(fromHex(macKey));
  });

  test('equals HMAC-SHA256(ck, 0x01) / (ck, 0x02) from node:crypto on random keys', () => {
    fc.assert(
      fc.property(key32, (ck) => {
        const copy = ck.slice();
        const { chainKey, messageKey } = kdfCK(suite, ck);
        const hmac = (b: number) =>
          new Uint8Array(createHmac('sha256', ck).update(Uint8Array.of(b)).digest());
        expect(messageKey).toEqual(hmac(1));
        expect(chainKey).toEqual(hmac(2));
        expect(ck).toEqual(copy);
      }),
      { numRuns: 50 },
    );
  });
});

describe('Double Ratchet rev. 1 §4.2 — KDF_RK_HE', () => {
  test('RK′ ‖ CK ‖ NHK = HKDF-SHA256(salt = RK, IKM = dh_out, info, 96) (node:crypto oracle)', () => {
    fc.assert(
      fc.property(key32, key32, (rk, dhOut) => {
        const okm = new Uint8Array(hkdfSync('sha256', dhOut, rk, KDF_RK_INFO, 96));
        const step = kdfRK(suite, rk, dhOut);
        expect(step.rootKey).toEqual(okm.slice(0, 32));
        expect(step.chainKey).toEqual(okm.slice(32, 64));
        expect(step.nextHeaderKey).toEqual(okm.slice(64, 96));
      }),
      { numRuns: 30 },
    );
  });

  test('the info strings: KDF_RK unchanged since v1, message keys name pqmsg v2', () => {
    expect(new TextDecoder().decode(KDF_RK_INFO)).toBe('pqmsg v1 ratchet KDF_RK');
    expect(new TextDecoder().decode(MESSAGE_KEYS_INFO)).toBe('pqmsg v2 ratchet message keys');
  });

  test('trace reports the step with its section and copies of the values', () => {
    const events: TraceEvent[] = [];
    const rk = new Uint8Array(32).fill(1);
    const step = kdfRK(suite, rk, new Uint8Array(32).fill(2), (e) => events.push(e));
    expect(events).toHaveLength(1);
    expect(events[0].section).toMatch(/Double Ratchet rev\. 1 §4\.2/);
    expect(events[0].values['RK′']).toEqual(step.rootKey);
    expect(events[0].values['RK′']).not.toBe(step.rootKey);
  });
});

describe('Double Ratchet rev. 1 §5.2, rev. 4 §6 — message keys (KDF_HYBRID of mk and pq_mk)', () => {
  test('key ‖ nonce = HKDF-SHA256(salt = pq_mk, IKM = mk, info, 44) (node:crypto oracle)', () => {
    fc.assert(
      fc.property(key32, key32, (mk, pqKey) => {
        const okm = new Uint8Array(hkdfSync('sha256', mk, pqKey, MESSAGE_KEYS_INFO, 44));
        const keys = messageKeys(suite, mk, pqKey);
        expect(keys.key).toEqual(okm.slice(0, 32));
        expect(keys.nonce).toEqual(okm.slice(32, 44));
      }),
      { numRuns: 30 },
    );
  });
});

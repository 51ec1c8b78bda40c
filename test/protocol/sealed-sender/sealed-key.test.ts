import { describe, expect, test } from 'vitest';
import { DAY_MS, MAX_SIGNED_PREKEY_AGE_MS, PREKEY_ROLE, SIZES } from '../../../src/protocol/constants.ts';
import { generateIdentity } from '../../../src/protocol/identity.ts';
import { generatePreKey } from '../../../src/protocol/prekeys.ts';
import {
  decodeSealedKey,
  decodeSealedKeyRecord,
  encodeSealedKey,
  encodeSealedKeyRecord,
  generateSealedKey,
  publicSealedKey,
  SEALED_KEY_BYTES,
  verifySealedKey,
  type SealedKeyPublic,
} from '../../../src/protocol/sealed-sender/sealed-key.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { detRandom } from '../helpers/det-rng.ts';
import { T0 } from '../helpers/fixtures.ts';
import { SUITE } from '../helpers/suites.ts';

const rnd = detRandom('sealed sender key tests');
const bob = generateIdentity(SUITE, rnd);
const mallory = generateIdentity(SUITE, rnd);
const record = generateSealedKey(SUITE, bob, 7, T0, rnd);
const pub = publicSealedKey(record);
const verify = (k: SealedKeyPublic, now = T0, owner = bob.publicKey) =>
  codeOf(() => verifySealedKey(SUITE, owner, k, now));

describe('sealed-sender KEM key — PROTOCOL.md §13.3', () => {
  test('a fresh key verifies under its owner and encodes to 4571 bytes: payload ‖ signature', () => {
    expect(verify(pub)).toBe('no error');
    const bytes = encodeSealedKey(pub);
    expect(bytes.length).toBe(SEALED_KEY_BYTES);
    expect(SEALED_KEY_BYTES).toBe(4571);
    expect([...bytes.subarray(0, 6)]).toEqual([1, 0x0b, 0, 0, 0, 7]);
    expect(bytes.subarray(14, 14 + SIZES.ML_KEM_768_PUBLIC)).toEqual(record.publicKey);
    expect(decodeSealedKey(bytes)).toEqual(pub);
    const stored = decodeSealedKeyRecord(encodeSealedKeyRecord(record));
    expect(stored).toEqual(record);
  });

  test('the key decapsulates what is encapsulated to it (teeth for the tests below)', () => {
    const { cipherText, sharedSecret } = SUITE.kem.encapsulate(pub.publicKey, new Uint8Array(32).fill(3));
    expect(SUITE.kem.decapsulate(cipherText, record.keyPair.secretKey)).toEqual(sharedSecret);
  });

  test('a changed id, time or key, another owner, or a broken signature half is BAD_SIGNATURE', () => {
    const key = pub.publicKey.slice();
    key[0] ^= 1;
    const sigA = pub.signature.slice();
    sigA[0] ^= 1;
    const sigB = pub.signature.slice();
    sigB[3000] ^= 1;
    const cases = [
      verify({ ...pub, id: 8 }),
      verify({ ...pub, createdAt: T0 + 1 }),
      verify({ ...pub, publicKey: key }),
      verify({ ...pub, signature: sigA }),
      verify({ ...pub, signature: sigB }),
      verify(pub, T0, mallory.publicKey),
      verify({ ...pub, publicKey: pub.publicKey.subarray(1) }),
    ];
    expect(cases).toEqual(Array(7).fill('BAD_SIGNATURE'));
  });

  test('freshness as for the SPK: 37 days old is fine, older or > 1 day ahead is STALE_PREKEY', () => {
    expect(verify(pub, T0 + MAX_SIGNED_PREKEY_AGE_MS)).toBe('no error');
    expect(verify(pub, T0 + MAX_SIGNED_PREKEY_AGE_MS + 1)).toBe('STALE_PREKEY');
    expect(verify(pub, T0 - DAY_MS)).toBe('no error');
    expect(verify(pub, T0 - DAY_MS - 1)).toBe('STALE_PREKEY');
  });

  test('domain separation: a signed ML-KEM prekey (PQSPK) does not pass as a sealed-sender key', () => {
    const pqspk = generatePreKey(SUITE, bob, PREKEY_ROLE.KEM_LAST_RESORT, 7, T0, rnd);
    const asSealed = { id: 7, createdAt: T0, publicKey: pqspk.publicKey, signature: pqspk.signature };
    expect(verify(asSealed)).toBe('BAD_SIGNATURE');
  });

  test('strict decoding: version, key-type tag, truncation, trailing bytes', () => {
    const bytes = encodeSealedKey(pub);
    const v = bytes.slice();
    v[0] = 2;
    const t = bytes.slice();
    t[1] = 0x05;
    expect([
      codeOf(() => decodeSealedKey(v)),
      codeOf(() => decodeSealedKey(t)),
      codeOf(() => decodeSealedKey(bytes.subarray(0, 4000))),
      codeOf(() => decodeSealedKey(Uint8Array.of(...bytes, 1))),
    ]).toEqual(['BAD_VERSION', 'BAD_TAG', 'TRUNCATED', 'TRAILING_BYTES']);
  });
});

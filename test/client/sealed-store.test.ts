/**
 * Encryption at rest (src/client/sealed-store.ts, unlock.ts): every value sealed with
 * XChaCha20-Poly1305 under the row's identity as AD — a moved or altered value, or another key,
 * is detected; a wrong key changes nothing; transactions are all or nothing.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { HEADER_TABLE } from '../../src/client/store.ts';
import { createStore, defaultArgon2Params, readKdf, unlockStore } from '../../src/client/unlock.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { defaultRandom } from '../../src/util/random.ts';
import { clientCodeOf, openRows, tempDir } from './store-helpers.ts';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function freshStore(key = defaultRandom(32)) {
  const { dir, cleanup } = tempDir('sealed');
  cleanups.push(cleanup);
  const rows = openRows(dir);
  const store = await createStore(rows, { kind: 'keyfile', key }, undefined, defaultRandom);
  return { dir, rows, store, key };
}

/** Every raw row of every table, for "nothing changed" comparisons. */
function snapshot(rows: ReturnType<typeof openRows>, tables: string[]): string {
  return JSON.stringify(
    tables.map((t) => rows.list(t).map((r) => [r.key, Buffer.from(r.value).toString('hex')])),
  );
}

describe('sealed store — encryption at rest', () => {
  test('round trip; stored bytes contain no plaintext; listing is ordered', async () => {
    const { rows, store } = await freshStore();
    store.put('history', 'bob/2', utf8('second secret body'));
    store.put('history', 'bob/1', utf8('first secret body'));
    store.put('history', 'carol/1', utf8('other'));
    expect(new TextDecoder().decode(store.get('history', 'bob/1'))).toBe('first secret body');
    expect(store.list('history', 'bob/').map((r) => r.key)).toEqual(['bob/1', 'bob/2']);
    const raw = rows.list('history').map((r) => Buffer.from(r.value).toString('latin1'));
    expect(raw).toHaveLength(3);
    for (const r of raw) expect(r).not.toMatch(/secret|body|other/);
    store.delete('history', 'bob/1');
    expect(store.get('history', 'bob/1')).toBeUndefined();
    store.close();
  });

  test('a value moved to another row (key or table) fails authentication', async () => {
    const { rows, store } = await freshStore();
    store.put('sessions', 'bob.1', utf8('bob session'));
    store.put('sessions', 'carol.1', utf8('carol session'));
    const bobSealed = rows.get('sessions', 'bob.1')!;
    rows.put('sessions', 'carol.1', bobSealed); // swap values between keys
    expect(await clientCodeOf(() => store.get('sessions', 'carol.1'))).toBe('STORE_CORRUPT');
    rows.put('trust', 'bob.1', bobSealed); // same key, another table
    expect(await clientCodeOf(() => store.get('trust', 'bob.1'))).toBe('STORE_CORRUPT');
    expect(await clientCodeOf(() => store.list('trust'))).toBe('STORE_CORRUPT');
    expect(new TextDecoder().decode(store.get('sessions', 'bob.1'))).toBe('bob session');
    store.close();
  });

  test('any flipped bit of nonce, ciphertext or tag is detected', async () => {
    const { rows, store } = await freshStore();
    store.put('identity', 'secret', defaultRandom(97));
    const sealed = rows.get('identity', 'secret')!;
    expect(sealed.length).toBe(24 + 97 + 16);
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(sealed.length - 1), fc.integer({ min: 0, max: 7 }), async (i, bit) => {
        runs++;
        const tampered = Uint8Array.from(sealed);
        tampered[i] ^= 1 << bit;
        rows.put('identity', 'secret', tampered);
        expect(await clientCodeOf(() => store.get('identity', 'secret'))).toBe('STORE_CORRUPT');
      }),
      { numRuns: 60 },
    );
    expect(runs).toBe(60);
    rows.put('identity', 'secret', sealed.subarray(0, 30)); // truncated
    expect(await clientCodeOf(() => store.get('identity', 'secret'))).toBe('STORE_CORRUPT');
    store.close();
  });

  test('another key: WRONG_PASSPHRASE at unlock, and nothing in the file changes', async () => {
    const { dir, store } = await freshStore();
    store.put('account', 'self', utf8('alice'));
    store.close();
    const rows = openRows(dir, false);
    const before = snapshot(rows, [HEADER_TABLE, 'account']);
    const wrong = defaultRandom(32);
    expect(await clientCodeOf(() => unlockStore(rows, { kind: 'keyfile', key: wrong }, defaultRandom))).toBe(
      'WRONG_PASSPHRASE',
    );
    expect(
      await clientCodeOf(() => unlockStore(rows, { kind: 'passphrase', passphrase: 'x' }, defaultRandom)),
    ).toBe('WRONG_PASSPHRASE');
    expect(snapshot(rows, [HEADER_TABLE, 'account'])).toBe(before);
    rows.close();
  });

  test('the right key unlocks a reopened file; a second init is refused', async () => {
    const { dir, store, key } = await freshStore();
    store.put('account', 'self', utf8('alice'));
    store.close();
    const rows = openRows(dir, false);
    expect(await clientCodeOf(() => createStore(rows, { kind: 'keyfile', key }, undefined, defaultRandom))).toBe(
      'ALREADY_INITIALIZED',
    );
    const again = await unlockStore(rows, { kind: 'keyfile', key }, defaultRandom);
    expect(new TextDecoder().decode(again.get('account', 'self'))).toBe('alice');
    again.close();
  });

  test('a transaction that throws writes nothing', async () => {
    const { store } = await freshStore();
    store.put('outbox', '1', utf8('kept'));
    expect(() =>
      store.transaction(() => {
        store.put('outbox', '2', utf8('lost'));
        store.delete('outbox', '1');
        throw new Error('crash inside');
      }),
    ).toThrow('crash inside');
    expect(store.list('outbox').map((r) => r.key)).toEqual(['1']);
    store.close();
  });
});

describe('passphrase stores (Argon2id, RFC 9106)', () => {
  const small = { memoryKiB: 64, iterations: 1, parallelism: 1 }; // test speed only

  test('the parameters and salt live in the clear header; right passphrase opens, wrong does not', async () => {
    const { dir, cleanup } = tempDir('pass');
    cleanups.push(cleanup);
    const rows = openRows(dir);
    const secret = { kind: 'passphrase' as const, passphrase: 'correct horse' };
    const store = await createStore(rows, secret, small, defaultRandom);
    store.put('account', 'self', utf8('carol'));
    store.close();
    const again = openRows(dir, false);
    const kdf = readKdf(again);
    expect(kdf).toMatchObject({ kind: 'argon2id', params: small });
    expect(kdf.kind === 'argon2id' && kdf.salt.length).toBe(16);
    const before = snapshot(again, [HEADER_TABLE, 'account']);
    const wrong = { kind: 'passphrase' as const, passphrase: 'battery staple' };
    expect(await clientCodeOf(() => unlockStore(again, wrong, defaultRandom))).toBe('WRONG_PASSPHRASE');
    expect(snapshot(again, [HEADER_TABLE, 'account'])).toBe(before);
    const opened = await unlockStore(again, secret, defaultRandom);
    expect(new TextDecoder().decode(opened.get('account', 'self'))).toBe('carol');
    opened.close();
  });

  test('the default cost is RFC 9106 §4 second recommended option', async () => {
    expect(await defaultArgon2Params()).toEqual({ memoryKiB: 65536, iterations: 3, parallelism: 4 });
  });
});

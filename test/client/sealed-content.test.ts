/**
 * The client's content kinds and padding (docs/CLIENT.md §8, PROTOCOL.md §13.12) and the cover
 * traffic schedule: ACCESS_KEY alone or carrying a text, COVER, strict decoding, Padmé padding of
 * every plaintext with BAD_PADDING on a bad one; exponential delays with the asked mean, seeded
 * determinism, filler bounds.
 */
import { describe, expect, test } from 'vitest';
import {
  decodeAnyContent,
  encodeAccessKeyContent,
  encodeContent,
  encodeCoverContent,
  padContent,
  unpadContent,
} from '../../src/client/content.ts';
import {
  COVER_MAX_FILLER,
  coverContent,
  exponentialDelayMs,
  seededRandom,
  uniform,
} from '../../src/client/cover-traffic.ts';
import { padme } from '../../src/protocol/sealed-sender/padding.ts';
import { codeOf } from '../helpers/error-code.ts';

const secret = new Uint8Array(32).fill(9);
const text = { id: 'ab'.repeat(16), timestamp: 1_767_225_600_000, body: 'hello' };

describe('content kinds — docs/CLIENT.md §8', () => {
  test('text, ACCESS_KEY alone, ACCESS_KEY with its text, COVER round-trip', () => {
    expect(decodeAnyContent(encodeContent(text))).toEqual({ kind: 'text', ...text });
    expect(decodeAnyContent(encodeAccessKeyContent(secret, 3))).toEqual({ kind: 'accessKey', secret, epoch: 3 });
    expect(decodeAnyContent(encodeAccessKeyContent(secret, 4, text))).toEqual({ kind: 'accessKey', secret, epoch: 4, text });
    expect(decodeAnyContent(encodeCoverContent(Uint8Array.of(1, 2)))).toEqual({ kind: 'cover', filler: Uint8Array.of(1, 2) });
  });

  test('strict: unknown kind, bad text flag, truncation, trailing bytes, a secret of another length', () => {
    const ak = encodeAccessKeyContent(secret, 1);
    const badFlag = ak.slice();
    badFlag[badFlag.length - 1] = 2;
    const unknown = ak.slice();
    unknown[1] = 9;
    expect([badFlag, unknown, ak.subarray(0, ak.length - 1), Uint8Array.of(...ak, 0)].map((b) => codeOf(() => decodeAnyContent(b)))).toEqual([
      'BAD_VALUE',
      'BAD_TAG',
      'TRUNCATED',
      'TRAILING_BYTES',
    ]);
    expect(codeOf(() => encodeAccessKeyContent(new Uint8Array(31), 1))).toBe('BAD_VALUE');
  });

  test('every plaintext is padded to Padmé(length + 1); a bad padding is BAD_PADDING', () => {
    for (const c of [encodeContent(text), encodeAccessKeyContent(secret, 1, text), encodeCoverContent(new Uint8Array(80))]) {
      const p = padContent(c);
      expect(p.length).toBe(padme(c.length + 1));
      expect(unpadContent(p)).toEqual(c);
    }
    const p = padContent(encodeContent(text));
    expect(codeOf(() => unpadContent(encodeContent(text)))).toBe('BAD_PADDING'); // never padded
    expect(codeOf(() => unpadContent(p.subarray(0, p.length - 1)))).toBe('BAD_PADDING'); // wrong length
  });
});

describe('cover traffic schedule — docs/CLIENT.md §8', () => {
  test('seeded: the same seed gives the same delays and dummies; another seed does not', () => {
    const run = (seed: string) => {
      const r = seededRandom(seed);
      return [exponentialDelayMs(60, r), exponentialDelayMs(60, r), Buffer.from(coverContent(r)).toString('hex')];
    };
    expect(run('a')).toEqual(run('a'));
    expect(run('a')).not.toEqual(run('b'));
  });

  test('delays are exponential with mean 3600/R s: 20,000 draws at R = 60 average 60 s ± 3 %, median ln 2 · mean', () => {
    const r = seededRandom('mean');
    const d = Array.from({ length: 20_000 }, () => exponentialDelayMs(60, r)).sort((a, b) => a - b);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    expect(Math.abs(mean / 60_000 - 1)).toBeLessThan(0.03);
    expect(Math.abs(d[10_000] / (Math.LN2 * 60_000) - 1)).toBeLessThan(0.05);
    expect(d[0]).toBeGreaterThanOrEqual(0);
    expect(() => exponentialDelayMs(0, r)).toThrow(RangeError);
  });

  test('uniform is in [0, 1); a dummy is COVER with a filler of 0..80 bytes, lengths spread over the range', () => {
    const r = seededRandom('filler');
    const lengths = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const u = uniform(r);
      expect(u >= 0 && u < 1).toBe(true);
      const c = decodeAnyContent(coverContent(r));
      if (c.kind !== 'cover') throw new Error('not a cover content');
      lengths.add(c.filler.length);
    }
    expect(Math.min(...lengths)).toBe(0);
    expect(Math.max(...lengths)).toBe(COVER_MAX_FILLER);
    expect(lengths.size).toBe(COVER_MAX_FILLER + 1);
    expect(uniform(() => new Uint8Array(7).fill(255))).toBeLessThan(1);
  });
});

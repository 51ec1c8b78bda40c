/**
 * KAT suites for the curve25519 area: RFC 7748 §5.2/§6.1, RFC 8032 §7.1, Wycheproof x25519 and
 * ed25519, NIST ACVP XECDH (SSC, keyGen, keyVer) and EDDSA (KeyGen, KeyVer, SigGen, SigVer).
 * Policies, decided here once:
 * - Wycheproof x25519 `acceptable` cases (twist points, non-canonical u, low-order u): we follow
 *   RFC 7748 §5 and must output the listed shared secret, except where it is all zero — there
 *   getSharedSecret must throw LOW_ORDER (§6.1 check; 31 such cases). "pass" means exactly that.
 * - ACVP XECDH keyVer: a public key is valid iff it is 32 bytes (RFC 7748 accepts every u, and
 *   masks bit 255); "pass" = getSharedSecret accepts it, or throws BAD_LENGTH when invalid.
 * - ACVP EDDSA KeyVer: valid iff q decodes (RFC 8032 §5.1.3, strict).
 * - X448/Ed448 groups are counted as skipped. Ed25519ph groups (preHash: true) run through
 *   ed25519ph with the given context (SigVer gives none: the empty context).
 */
import { hex, sameHex, type KatSuite, type Tally } from '../lib.ts';
import { CryptoError } from '../../src/util/errors.ts';
import { ed25519, ed25519ph, x25519 } from '../../src/curve25519/index.ts';
import { scalarMult } from '../../src/curve25519/x25519.ts';
import { pointDecode } from '../../src/curve25519/point.ts';

const acvp = (set: string): string => `acvp/${set}/internalProjection.json`;

/** True iff fn throws a CryptoError with this code. */
function throwsCode(code: string, fn: () => unknown): boolean {
  try {
    fn();
  } catch (e) {
    return e instanceof CryptoError && e.code === code;
  }
  return false;
}

/** RFC 7748 §5.2: k, u ← 9; repeat n times: (k, u) ← (X25519(k, u), k). */
function iterate(k0: Uint8Array, u0: Uint8Array, n: number): Uint8Array {
  let k = k0;
  let u = u0;
  for (let i = 0; i < n; i++) [k, u] = [scalarMult(k, u), k];
  return k;
}

function rfc7748(data: any[], tally: Tally, slow: boolean): void {
  for (const v of data[0].vectors) {
    if (v.kind === 'x25519' && !slow)
      tally.check(v.id, () => sameHex(scalarMult(hex(v.scalar), hex(v.u)), v.output));
    else if (v.kind === 'x25519_iterated' && (v.iterations >= 1_000_000) === slow)
      tally.check(v.id, () =>
        sameHex(iterate(hex(v.initial_k), hex(v.initial_u), v.iterations), v.output_k),
      );
    else if (v.kind === 'x25519_dh' && !slow)
      tally.check(v.id, () => {
        const [a, b] = [hex(v.alice_private), hex(v.bob_private)];
        return (
          sameHex(x25519.getPublicKey(a), v.alice_public) &&
          sameHex(x25519.getPublicKey(b), v.bob_public) &&
          sameHex(x25519.getSharedSecret(a, hex(v.bob_public)), v.shared) &&
          sameHex(x25519.getSharedSecret(b, hex(v.alice_public)), v.shared)
        );
      });
  }
}

/** Runs fn on the groups whose curve is `want`; counts the other groups' tests as skipped. */
function groups(data: any, want: string, tally: Tally, fn: (g: any) => void): void {
  for (const g of data.testGroups) {
    if (g.curve === want) fn(g);
    else tally.skip(g.tests.length);
  }
}

export const suites: KatSuite[] = [
  {
    primitive: 'X25519 (RFC 7748 §5.2 incl. 1 and 1,000 iterations, §6.1)',
    files: ['rfc/rfc7748.json'],
    expected: { passed: 5 },
    run: (data, tally) => rfc7748(data, tally, false),
  },
  {
    primitive: 'X25519 (RFC 7748 §5.2, 1,000,000 iterations)',
    files: ['rfc/rfc7748.json'],
    expected: { passed: 1 },
    slow: true,
    run: (data, tally) => rfc7748(data, tally, true),
  },
  {
    primitive: 'X25519 (Wycheproof; 31 all-zero cases must throw LOW_ORDER)',
    files: ['wycheproof/x25519_test.json'],
    expected: { passed: 518 },
    run: ([wp], tally) => {
      for (const g of wp.testGroups)
        for (const t of g.tests) {
          const [sk, pk] = [hex(t.private), hex(t.public)];
          const shared = () => x25519.getSharedSecret(sk, pk);
          if (/^(00)+$/.test(t.shared))
            tally.check(`tcId ${t.tcId}`, () => throwsCode('LOW_ORDER', shared));
          else tally.check(`tcId ${t.tcId}`, () => sameHex(shared(), t.shared));
        }
    },
  },
  {
    primitive: 'X25519 shared secret (ACVP XECDH-SSC-RFC7748)',
    files: [acvp('XECDH-SSC-RFC7748')],
    expected: { passed: 25, skipped: 25 },
    skipReason: 'Curve448 groups (X448 is not implemented)',
    run: ([d], tally) =>
      groups(d, 'Curve25519', tally, (g) => {
        for (const t of g.tests)
          tally.check(`tcId ${t.tcId}`, () => {
            const sk = hex(t.privateIut);
            const z = x25519.getSharedSecret(sk, hex(t.publicServer));
            return (
              sameHex(x25519.getPublicKey(sk), t.publicIut) &&
              sameHex(z, t.z) === (t.testPassed === true)
            );
          });
      }),
  },
  {
    primitive: 'X25519 keyGen (ACVP XECDH-keyGen-RFC7748)',
    files: [acvp('XECDH-keyGen-RFC7748')],
    expected: { passed: 10, skipped: 10 },
    skipReason: 'Curve448 groups (X448 is not implemented)',
    run: ([d], tally) =>
      groups(d, 'Curve25519', tally, (g) => {
        for (const t of g.tests)
          tally.check(`tcId ${t.tcId}`, () =>
            sameHex(x25519.getPublicKey(hex(t.privateKey)), t.publicKey),
          );
      }),
  },
  {
    primitive: 'X25519 keyVer (ACVP XECDH-keyVer-RFC7748)',
    files: [acvp('XECDH-keyVer-RFC7748')],
    expected: { passed: 16, skipped: 16 },
    skipReason: 'Curve448 groups (X448 is not implemented)',
    run: ([d], tally) =>
      groups(d, 'Curve25519', tally, (g) => {
        for (const t of g.tests) {
          const [sk, pk] = [hex(t.privateKey), hex(t.publicKey)];
          tally.check(`tcId ${t.tcId}`, () =>
            t.testPassed === true
              ? x25519.getSharedSecret(sk, pk).length === 32
              : throwsCode('BAD_LENGTH', () => x25519.getSharedSecret(sk, pk)),
          );
        }
      }),
  },
  {
    primitive: 'Ed25519 (RFC 8032 §7.1: public key, signature, verify)',
    files: ['rfc/rfc8032.json'],
    expected: { passed: 5 },
    run: ([d], tally) => {
      for (const v of d.vectors) {
        const [sk, msg] = [hex(v.secret_key), hex(v.message)];
        tally.check(v.id, () => {
          const pk = ed25519.getPublicKey(sk);
          const sig = ed25519.sign(sk, msg);
          const ok = ed25519.verify(pk, msg, sig);
          return sameHex(pk, v.public_key) && sameHex(sig, v.signature) && ok;
        });
      }
    },
  },
  {
    primitive: 'Ed25519 verify (Wycheproof; 88 valid, 63 invalid rejected)',
    files: ['wycheproof/ed25519_test.json'],
    expected: { passed: 151 },
    run: ([wp], tally) => {
      for (const g of wp.testGroups) {
        const pk = hex(g.publicKey.pk);
        for (const t of g.tests)
          tally.check(`tcId ${t.tcId}`, () => {
            return ed25519.verify(pk, hex(t.msg), hex(t.sig)) === (t.result === 'valid');
          });
      }
    },
  },
  {
    primitive: 'Ed25519 keyGen (ACVP EDDSA-KeyGen-1.0)',
    files: [acvp('EDDSA-KeyGen-1.0')],
    expected: { passed: 3, skipped: 3 },
    skipReason: 'ED-448 groups (Ed448 is not implemented)',
    run: ([d], tally) =>
      groups(d, 'ED-25519', tally, (g) => {
        for (const t of g.tests)
          tally.check(`tcId ${t.tcId}`, () => sameHex(ed25519.getPublicKey(hex(t.d)), t.q));
      }),
  },
  {
    primitive: 'Ed25519 keyVer (ACVP EDDSA-KeyVer-1.0)',
    files: [acvp('EDDSA-KeyVer-1.0')],
    expected: { passed: 4, skipped: 4 },
    skipReason: 'ED-448 groups (Ed448 is not implemented)',
    run: ([d], tally) =>
      groups(d, 'ED-25519', tally, (g) => {
        for (const t of g.tests)
          tally.check(`tcId ${t.tcId}`, () => {
            return (pointDecode(hex(t.q)) !== null) === (t.testPassed === true);
          });
      }),
  },
  {
    primitive: 'Ed25519 / Ed25519ph sign (ACVP EDDSA-SigGen-1.0)',
    files: [acvp('EDDSA-SigGen-1.0')],
    expected: { passed: 84, skipped: 84 },
    skipReason: 'ED-448 groups (Ed448 is not implemented)',
    run: ([d], tally) =>
      groups(d, 'ED-25519', tally, (g) => {
        const sk = hex(g.d);
        for (const t of g.tests)
          tally.check(`tcId ${t.tcId}`, () => {
            const msg = hex(t.message);
            const sig = g.preHash
              ? ed25519ph.sign(sk, msg, hex(t.context ?? ''))
              : ed25519.sign(sk, msg);
            return sameHex(ed25519.getPublicKey(sk), g.q) && sameHex(sig, t.signature);
          });
      }),
  },
  {
    primitive: 'Ed25519 / Ed25519ph verify (ACVP EDDSA-SigVer-1.0)',
    files: [acvp('EDDSA-SigVer-1.0')],
    expected: { passed: 10, skipped: 10 },
    skipReason: 'ED-448 groups (Ed448 is not implemented)',
    run: ([d], tally) =>
      groups(d, 'ED-25519', tally, (g) => {
        for (const t of g.tests) {
          const [pk, msg, sig] = [hex(t.q), hex(t.message), hex(t.signature)];
          tally.check(`tcId ${t.tcId}`, () => {
            const ok = g.preHash ? ed25519ph.verify(pk, msg, sig) : ed25519.verify(pk, msg, sig);
            return ok === (t.testPassed === true);
          });
        }
      }),
  },
];

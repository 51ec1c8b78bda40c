import { describe } from 'vitest';
import { suites } from '../../kat/suites/curve25519.ts';
import { katTests } from '../helpers/kat.ts';

describe('curve25519 KATs — RFC 7748, RFC 8032, Wycheproof, ACVP XECDH/EDDSA', () => {
  katTests(suites);
});

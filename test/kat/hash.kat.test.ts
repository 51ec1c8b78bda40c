import { describe } from 'vitest';
import { suites } from '../../kat/suites/hash.ts';
import { katTests } from '../helpers/kat.ts';

describe('KAT — hash (FIPS 202, FIPS 180-4, RFC 2104/4231, RFC 5869)', () => {
  katTests(suites);
});

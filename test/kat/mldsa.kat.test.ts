import { describe } from 'vitest';
import { katTests } from '../helpers/kat.ts';
import { suites } from '../../kat/suites/mldsa.ts';

describe('FIPS 204 — ML-DSA ACVP known answers (keyGen, sigGen, sigGen-tr1, sigVer)', () => {
  katTests(suites);
});

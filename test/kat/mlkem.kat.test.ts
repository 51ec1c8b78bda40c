import { describe } from 'vitest';
import { suites } from '../../kat/suites/mlkem.ts';
import { katTests } from '../helpers/kat.ts';

describe('FIPS 203 ML-KEM — NIST ACVP known answers', () => {
  katTests(suites);
});

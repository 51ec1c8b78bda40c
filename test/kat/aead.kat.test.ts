import { describe } from 'vitest';
import { suites } from '../../kat/suites/aead.ts';
import { katTests } from '../helpers/kat.ts';

describe('aead KATs — RFC 8439, Wycheproof ChaCha20-Poly1305 / XChaCha20-Poly1305', () => {
  katTests(suites);
});

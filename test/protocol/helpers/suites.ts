/**
 * The suite protocol tests run on. pqmsg's own primitives (default-suite.ts); crosscheck.test.ts also runs nobleSuite.
 */
import { defaultSuite } from '../../../src/protocol/default-suite.ts';
import type { Suite } from '../../../src/protocol/suite.ts';

export const SUITE: Suite = defaultSuite;

/**
 * The suite protocol tests run on. TEMPORARY: nobleSuite until src/protocol/default-suite.ts exists.
 */
import { nobleSuite } from '../../helpers/noble-suite.ts';
import type { Suite } from '../../../src/protocol/suite.ts';

export const SUITE: Suite = nobleSuite;

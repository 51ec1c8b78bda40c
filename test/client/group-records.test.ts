/**
 * The client's group row (docs/CLIENT.md §10): version 2 keeps the member DEVICES holding this
 * device's chain (address and listed identity hash) and round-trips; a version 1 row (a list of
 * users) still decodes, with no device recorded, so the chain goes again to every member device;
 * any other version is BAD_VERSION.
 */
import { describe, expect, test } from 'vitest';
import { decodeGroupRecord, encodeGroupRecord } from '../../src/client/group-records.ts';
import { Writer } from '../../src/wire/codec.ts';
import { codeOf } from '../helpers/error-code.ts';

const state = Uint8Array.of(1, 2, 3);

describe('group row format', () => {
  test('version 2 round-trips the devices holding our chain', () => {
    const record = {
      state,
      distributedChainId: 77,
      distributedTo: [
        { address: 'ann.2', identityHash: new Uint8Array(32).fill(2) },
        { address: 'ben.1', identityHash: new Uint8Array(32).fill(1) },
      ],
    };
    const bytes = encodeGroupRecord(record);
    expect(bytes[0]).toBe(2);
    expect(decodeGroupRecord(bytes)).toEqual(record);
  });

  test('a version 1 row decodes with no device recorded; an unknown version is refused', () => {
    const v1 = new Writer().u8(1).bytes(state).u32(77).u16(2).bytes(new TextEncoder().encode('ann')).bytes(new TextEncoder().encode('ben')).finish();
    expect(decodeGroupRecord(v1)).toEqual({ state, distributedChainId: 77, distributedTo: [] });
    const v3 = Uint8Array.from(encodeGroupRecord({ state, distributedChainId: 1, distributedTo: [] }));
    v3[0] = 3;
    expect(codeOf(() => decodeGroupRecord(v3))).toBe('BAD_VERSION');
  });
});

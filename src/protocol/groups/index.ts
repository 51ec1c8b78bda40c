/**
 * Public API of pqmsg groups (docs/PROTOCOL.md §15): Sender Keys chains with sealed, hybrid-signed
 * messages, distribution messages, signed membership changes and the per-device group state.
 * Re-exports only.
 */
export * from './constants.ts';
export * from './sender-key.ts';
export * from './group-header.ts';
export * from './distribution.ts';
export * from './membership.ts';
export * from './group-state.ts';
export * from './group-state-codec.ts';
export * from './welcome.ts';

/**
 * Public API of multiple devices per account (docs/PROTOCOL.md §14): the signed device list and
 * the link channel. Re-exports only.
 */
export * from './constants.ts';
export * from './device-list.ts';
export * from './link.ts';

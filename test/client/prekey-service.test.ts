/**
 * Prekey upkeep (src/client/prekey-service.ts; PROTOCOL.md §3.3): the first refresh creates the
 * SPK, the PQSPK and `target` one-time keys of each kind; the server's counts decide the top-up;
 * signed prekeys rotate after 7 days and retire 30 days after their successor; everything new is
 * pending upload until the server accepts it (a crash in between re-uploads).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createAccount } from '../../src/client/account.ts';
import { markUploaded, pendingUploads, refreshPreKeys } from '../../src/client/prekey-service.ts';
import { SessionService } from '../../src/client/session-service.ts';
import { createStore } from '../../src/client/unlock.ts';
import { DAY_MS, PREKEY_ROLE } from '../../src/protocol/constants.ts';
import { defaultSuite } from '../../src/protocol/default-suite.ts';
import { defaultRandom } from '../../src/util/random.ts';
import { openRows, tempDir } from './store-helpers.ts';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const T0 = Date.UTC(2026, 0, 1);

async function service(clock: { now: number }): Promise<SessionService> {
  const { dir, cleanup } = tempDir('prekeys');
  cleanups.push(cleanup);
  const store = await createStore(openRows(dir), { kind: 'keyfile', key: defaultRandom(32) }, undefined, defaultRandom);
  createAccount(store, defaultSuite, defaultRandom, 'owner', clock.now);
  return new SessionService({ store, suite: defaultSuite, random: defaultRandom, now: () => clock.now });
}

const live = (svc: SessionService, role: number) =>
  svc.ctx.prekeys.listPreKeys(role as 1).map((r) => r.id).sort((a, b) => a - b);

describe('prekey upkeep', () => {
  test('first refresh: SPK, PQSPK and the one-time target, all pending, medium-term first', async () => {
    const clock = { now: T0 };
    const svc = await service(clock);
    refreshPreKeys(svc.store, svc.ctx, { oneTime: 0, kemOneTime: 0 }, clock.now, 3);
    expect(live(svc, PREKEY_ROLE.SIGNED)).toEqual([1]);
    expect(live(svc, PREKEY_ROLE.KEM_LAST_RESORT)).toEqual([1]);
    expect(live(svc, PREKEY_ROLE.ONE_TIME)).toEqual([1, 2, 3]);
    expect(live(svc, PREKEY_ROLE.KEM_ONE_TIME)).toEqual([1, 2, 3]);
    const pending = pendingUploads(svc.store, svc.ctx);
    expect(pending).toHaveLength(8);
    expect(pending.slice(0, 2).map((p) => p.key).sort()).toEqual(['1:1', '2:1']);
    markUploaded(svc.store, pending.map((p) => p.key));
    expect(pendingUploads(svc.store, svc.ctx)).toEqual([]);
    svc.store.close();
  });

  test('top-up follows the server counts; nothing new while the stock is full', async () => {
    const clock = { now: T0 };
    const svc = await service(clock);
    refreshPreKeys(svc.store, svc.ctx, { oneTime: 0, kemOneTime: 0 }, clock.now, 3);
    markUploaded(svc.store, pendingUploads(svc.store, svc.ctx).map((p) => p.key));
    refreshPreKeys(svc.store, svc.ctx, { oneTime: 3, kemOneTime: 3 }, clock.now, 3);
    expect(pendingUploads(svc.store, svc.ctx)).toEqual([]);
    // The server handed out two OPKs and one PQOPK: three new keys, new ids.
    refreshPreKeys(svc.store, svc.ctx, { oneTime: 1, kemOneTime: 2 }, clock.now, 3);
    expect(pendingUploads(svc.store, svc.ctx).map((p) => p.key).sort()).toEqual(['3:4', '4:4', '4:5']);
    svc.store.close();
  });

  test('signed prekeys rotate after 7 days and are deleted 30 days after their successor', async () => {
    const clock = { now: T0 };
    const svc = await service(clock);
    const full = { oneTime: 3, kemOneTime: 3 };
    refreshPreKeys(svc.store, svc.ctx, { oneTime: 0, kemOneTime: 0 }, clock.now, 3);
    markUploaded(svc.store, pendingUploads(svc.store, svc.ctx).map((p) => p.key));
    clock.now = T0 + 6 * DAY_MS;
    refreshPreKeys(svc.store, svc.ctx, full, clock.now, 3);
    expect(pendingUploads(svc.store, svc.ctx)).toEqual([]);
    clock.now = T0 + 7 * DAY_MS;
    refreshPreKeys(svc.store, svc.ctx, full, clock.now, 3);
    expect(pendingUploads(svc.store, svc.ctx).map((p) => p.key).sort()).toEqual(['1:2', '2:2']);
    expect(live(svc, PREKEY_ROLE.SIGNED)).toEqual([1, 2]); // the old one still works (grace)
    markUploaded(svc.store, ['1:2', '2:2']);
    clock.now = T0 + 7 * DAY_MS + 30 * DAY_MS;
    refreshPreKeys(svc.store, svc.ctx, full, clock.now, 3);
    expect(live(svc, PREKEY_ROLE.SIGNED)).toEqual([2, 3]); // 1 retired, 3 due (2 is 30 days old)
    expect(live(svc, PREKEY_ROLE.KEM_LAST_RESORT)).toEqual([2, 3]);
    svc.store.close();
  });
});

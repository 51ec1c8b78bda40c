/**
 * Live mode: this tab becomes a pqmsg device on a running `pqmsg server` and chats with any other
 * device (the CLI included), through the client's own logic unchanged — SessionService (load →
 * step → save), Sync (register, prekeys, storeThenAck, the outbox), SealedStore and the Argon2id
 * unlock of src/client — over a browser WebSocket (browser-connection.ts) and an IndexedDB store
 * (idb-rows.ts). What the store protects: rows are sealed under a key derived from the
 * passphrase by Argon2id, so another reader of this browser profile's IndexedDB sees row names and
 * sizes but no key, session or message, and cannot alter a row unnoticed (docs/CLIENT.md).
 * It does not protect against code running in this page's origin while it is unlocked.
 */
import { createAccount } from '../../src/client/account.ts';
import { SessionService } from '../../src/client/session-service.ts';
import type { ClientStore } from '../../src/client/store.ts';
import { Sync, type SyncEvent } from '../../src/client/sync.ts';
import { createStore, unlockStore, type Argon2Params } from '../../src/client/unlock.ts';
import { defaultSuite } from '../../src/protocol/default-suite.ts';
import { defaultRandom } from '../../src/util/random.ts';
import { connectBrowserWebSocket } from './browser-connection.ts';
import { IdbRowStore } from './idb-rows.ts';

const DB_PREFIX = 'pqmsg-';

function field(
  root: HTMLElement,
  id: string,
  label: string,
  value = '',
  type = 'text',
): HTMLInputElement {
  const input = document.createElement('input');
  Object.assign(input, { id, type, value, placeholder: label });
  input.dataset.testid = id;
  const l = document.createElement('label');
  l.append(`${label} `, input);
  root.append(l);
  return input;
}

type Log = (text: string, ok?: boolean) => void;

function button(
  root: HTMLElement,
  id: string,
  label: string,
  action: () => Promise<void>,
  log: Log,
): HTMLButtonElement {
  const b = document.createElement('button');
  b.textContent = label;
  b.dataset.testid = id;
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await action();
    } catch (e) {
      log(`${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}`, false);
    } finally {
      b.disabled = false;
    }
  });
  root.append(b);
  return b;
}

/** Parses 'm=KiB,t=N,p=N' (RFC 9106 §3.1 cost parameters). */
function parseArgon2(text: string): Argon2Params {
  const f = new Map(text.split(',').map((kv) => kv.split('=') as [string, string]));
  const [memoryKiB, iterations, parallelism] = ['m', 't', 'p'].map((k) => Number(f.get(k)));
  return { memoryKiB, iterations, parallelism };
}

export function mountLive(root: HTMLElement): void {
  const form = document.createElement('div');
  form.className = 'live-form';
  const server = field(form, 'live-server', 'server', 'ws://127.0.0.1:8787');
  const name = field(form, 'live-name', 'name');
  const pass = field(form, 'live-passphrase', 'passphrase', '', 'password');
  const cost = field(form, 'live-argon2', 'Argon2id', 'm=65536,t=3,p=4');
  const logList = document.createElement('ul');
  logList.dataset.testid = 'live-log';
  const log = (text: string, ok = true) => {
    const li = document.createElement('li');
    li.className = ok ? 'ok' : 'err';
    li.textContent = text;
    logList.append(li);
  };
  const chat = document.createElement('div');
  chat.className = 'live-form';
  const to = field(chat, 'live-to', 'to');
  const body = field(chat, 'live-text', 'message');
  let sync: Sync | undefined;
  let rows: IdbRowStore | undefined;

  const onEvent = (e: SyncEvent) => {
    if (e.type === 'delivery') {
      const o = e.outcome;
      if (o.kind === 'message') log(`${o.message.peer}: ${o.message.body}`);
      else if (o.kind === 'held' || o.kind === 'rejected') log(`refused from ${o.peer}: ${o.error.message}`, false);
    } else if (e.type === 'sent') log(`sent to ${e.entry.peer}`);
    else if (e.type === 'prekeys') log(`${e.uploaded} prekeys uploaded`);
    else if (e.type === 'devicesChanged') log(`the devices of ${e.name} changed: ${e.devices.join(', ')}`, false);
    else if (e.type === 'undeliverable') log(`undeliverable to ${e.entry.peer}: ${e.error.code}`, false);
  };

  /** Opens (creating and registering when new) the account `name` in IndexedDB, then listens. */
  const connect = async () => {
    rows = await IdbRowStore.open(DB_PREFIX + name.value);
    const secret = { kind: 'passphrase', passphrase: pass.value } as const;
    const fresh = rows.get('_header', 'kdf') === undefined;
    log(fresh ? 'deriving the store key (Argon2id)…' : 'unlocking (Argon2id)…');
    let store: ClientStore;
    if (fresh) {
      store = await createStore(rows, secret, parseArgon2(cost.value), defaultRandom);
      createAccount(store, defaultSuite, defaultRandom, name.value, Date.now());
    } else store = await unlockStore(rows, secret, defaultRandom);
    const deps = { store, suite: defaultSuite, random: defaultRandom, now: Date.now };
    const service = new SessionService(deps);
    const register = service.account.server === '';
    sync = await Sync.open(service, connectBrowserWebSocket, server.value, { register, onEvent });
    const { address } = service.account;
    log(`${register ? 'registered' : 'connected'} as ${address} at ${server.value}`);
    root.dataset.connected = 'true';
    sync.pump('closed').catch((e: Error) => log(`disconnected: ${e.message}`, false));
  };

  const send = async () => {
    if (!sync) throw new Error('not connected');
    await sync.send(to.value, body.value);
    body.value = '';
  };

  button(form, 'live-connect', 'Connect', connect, log);
  button(chat, 'live-send', 'Send', send, log);
  root.append(form, chat, logList);
}

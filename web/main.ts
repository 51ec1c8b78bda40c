/**
 * The visualizer page: Alice and Bob side by side, the network between them. Buttons step through
 * identities, the signed bundle (and a tampered one refused), PQXDH, then messages the reader can
 * deliver in any order, drop, replay or forge; each panel redraws from the model and cites the
 * spec section it shows. Every element a test clicks or reads has a `data-testid`.
 */
import QRCode from 'qrcode';
import { HYBRID_SIGNATURE_BYTES } from '../src/protocol/constants.ts';
import { encodeIdentityPublic } from '../src/protocol/identity.ts';
import { countSkipped } from '../src/protocol/ratchet/skipped-keys.ts';
import type { TraceEvent } from '../src/protocol/trace.ts';
import { chainsDiagram, pqxdhDiagram, rootChainDiagram } from './diagram.ts';
import { Conversation, fp, type Device, type Name, type Packet } from './model.ts';
import { mountBench } from './bench-panel.ts';
import { mountLive } from './live/live.ts';

const conv = new Conversation();
const now = () => Date.now();
const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;

type Child = Node | string;

function h(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** A panel with its title and the spec section it shows (as `--trace` prints it). */
function panel(title: string, section: string, ...body: (Node | string)[]): HTMLElement {
  return h('section', { class: 'panel' }, h('h3', {}, title, h('cite', {}, section)), ...body);
}

function traceList(events: TraceEvent[]): HTMLElement {
  const items = events.map((e) => {
    const values = Object.entries(e.values).map(([k, v]) => `${k} ${fp(v)}`).join(' · ');
    const fps = h('span', { class: 'fp' }, values);
    return h('li', {}, h('b', {}, e.step), h('cite', {}, e.section), fps);
  });
  return h('ol', { class: 'trace' }, ...items);
}

function renderDevice(name: Name): void {
  const root = $(`#${name.toLowerCase()}`);
  const d = conv.device(name);
  root.replaceChildren(h('h2', {}, name));
  if (!d) return;
  root.append(identityPanel(d));
  if (name === 'Bob' && conv.bundle) root.append(bundlePanel());
  const { handshake } = d;
  if (handshake.length)
    root.append(panel('PQXDH key agreement', handshake[0].section, pqxdhDiagram(handshake)));
  const state = conv.ratchet(name);
  if (state) {
    const rootChain = rootChainDiagram(d.roots);
    root.append(panel('Root chain', 'Double Ratchet rev. 1 §3.3 (KDF_RK)', rootChain));
    const chains = chainsDiagram(state);
    root.append(panel('Chains and header keys', 'Double Ratchet rev. 1 §4.3, §4.5', chains));
    const items = state.skipped.flatMap((chain) =>
      [...chain.keys.keys()].map((n) =>
        h('li', { 'data-testid': `${name}-skipped-item` }, `HKr ${fp(chain.headerKey)} · N=${n}`),
      ),
    );
    const list = h('ul', { 'data-testid': `${name}-skipped` }, ...items);
    const count = `${countSkipped(state.skipped)} cached`;
    root.append(panel(`Skipped message keys (${count})`, 'Double Ratchet rev. 1 §3.5, §4.6', list));
    const { epoch, phase, initiator } = state.pq;
    const pq = `epoch ${epoch} · phase ${phase.kind} · ${initiator ? 'initiator' : 'responder'}`;
    const pqView = h('p', { 'data-testid': `${name}-pq` }, pq);
    root.append(panel('Post-quantum ratchet', 'PROTOCOL.md §5.12', pqView));
  }
  if (d.inbox.length) {
    const items = d.inbox.map((m) => h('li', { class: m.ok ? 'ok' : 'err' }, m.text));
    root.append(panel('Received', 'Double Ratchet rev. 1 §4.5 (RatchetDecryptHE)',
      h('ul', { 'data-testid': `${name}-inbox` }, ...items)));
  }
  if (d.events.length)
    root.append(panel('Trace of the last step', 'src/protocol/trace.ts', traceList(d.events)));
}

/** A two-column table: name, fingerprint. */
function keyTable(rows: string[][]): HTMLElement {
  const row = ([k, v]: string[]) => h('tr', {}, h('td', {}, k), h('td', { class: 'fp' }, v));
  return h('table', {}, ...rows.map(row));
}

function identityPanel(d: Device): HTMLElement {
  const id = d.identity.publicKey;
  const rows = [
    ['X25519 (DH)', fp(id.dhKey)],
    ['Ed25519 (sign)', fp(id.signingKeyClassical)],
    ['ML-DSA-65 (sign)', fp(id.signingKeyPQ)],
    ['encoded identity', `${fp(encodeIdentityPublic(id))} · ${encodeIdentityPublic(id).length} B`],
  ];
  const table = keyTable(rows);
  return panel('Hybrid identity', 'PROTOCOL.md §3.1', table);
}

function bundlePanel(): HTMLElement {
  const b = conv.bundle!;
  const rows = [
    [`SPK #${b.signedPreKey.id}`, fp(b.signedPreKey.publicKey)],
    [`PQOPK #${b.kemPreKey.id} (ML-KEM-768)`, fp(b.kemPreKey.publicKey)],
    [`OPK #${b.oneTimePreKey!.id}`, fp(b.oneTimePreKey!.publicKey)],
  ];
  const table = keyTable(rows);
  const sig = `Ed25519 ‖ ML-DSA-65 (${HYBRID_SIGNATURE_BYTES} B)`;
  const note = `each signed ${sig}; both halves must verify`;
  const tamper = conv.tamperError
    ? h('p', { class: 'err', 'data-testid': 'tamper-result' },
        `tampered bundle (one bit of the ML-DSA-65 half): ${conv.tamperError} — refused`)
    : '';
  return panel('Signed prekey bundle', 'PQXDH rev. 3 §3.2–§3.3', table, h('p', {}, note), tamper);
}

function renderNetwork(): void {
  const rows = conv.network.map((p) => packetRow(p));
  $('#network-list').replaceChildren(...rows);
}

function packetRow(p: Packet): HTMLElement {
  const button = (label: string, action: () => void) => {
    const b = h('button', { 'data-testid': `${label}-${p.id}` }, label);
    b.addEventListener('click', () => run(action));
    return b;
  };
  const arrow = p.from === 'Alice' ? '→' : '←';
  const status = p.error ? `${p.status}: ${p.error}` : p.status;
  const attrs = { class: `packet ${p.status.replace(' ', '-')}`, 'data-testid': `packet-${p.id}` };
  const li = h('li', attrs,
    h('b', {}, `#${p.id} ${p.from} ${arrow} “${p.text}”${p.forged ? ' (forged)' : ''}`),
    h('span', { class: 'fp' }, `${p.bytes.length} B`),
    h('span', { 'data-testid': `status-${p.id}` }, status));
  if (p.status === 'in flight' || p.status === 'lost')
    li.append(button('deliver', () => conv.deliver(p.id, now())));
  if (p.status === 'in flight') li.append(button('drop', () => conv.drop(p.id)));
  if (p.status === 'delivered') li.append(button('replay', () => conv.deliver(p.id, now())));
  if (!p.forged && p.status !== 'refused') li.append(button('forge', () => conv.forge(p.id)));
  return li;
}

/** 12 groups of 5 digits as two lines of six, as the demo prints them. */
const twoLines = (display: string) => {
  const groups = display.split(' ');
  return `${groups.slice(0, 6).join(' ')}\n${groups.slice(6).join(' ')}`;
};

async function renderSafety(): Promise<void> {
  const out = $('#safety');
  if (!conv.alice || !conv.bob || !conv.sessionStarted) return out.replaceChildren();
  const views = await Promise.all(
    (['Alice', 'Bob'] as const).map(async (name) => {
      const sn = conv.safetyNumber(name);
      const qr = h('div', { class: 'qr' });
      qr.innerHTML = await QRCode.toString(sn.scannableText, { type: 'svg', margin: 1 });
      return h('div', { class: 'sn', 'data-testid': `${name}-safety` }, h('b', {}, `${name} sees`),
        h('pre', {}, twoLines(sn.display)), qr);
    }),
  );
  const same = conv.safetyNumber('Alice').digits === conv.safetyNumber('Bob').digits;
  const verdict = same ? 'identical on both devices: no key was swapped' : 'DIFFERENT';
  const match = h('p', { 'data-testid': 'safety-match' }, verdict);
  out.replaceChildren(
    panel('Safety numbers', 'PROTOCOL.md §7.1', h('div', { class: 'sns' }, ...views), match),
  );
}

function render(): void {
  renderDevice('Alice');
  renderDevice('Bob');
  renderNetwork();
  const has = (b: boolean, sel: string) => (($(sel) as HTMLButtonElement).disabled = !b);
  has(!conv.alice, '#step-identities');
  has(!!conv.bob && !conv.bundle, '#step-bundle');
  has(!!conv.bundle && !conv.tamperError, '#step-tamper');
  has(!!conv.bundle && !conv.sessionStarted, '#step-pqxdh');
  has(conv.sessionStarted, '#alice-send');
  has(conv.sessionStarted && conv.ratchet('Bob') !== undefined, '#bob-send');
  void renderSafety();
}

/** Runs one action and redraws; an unexpected error is shown, never swallowed. */
function run(action: () => void): void {
  try {
    action();
    $('#error').textContent = '';
  } catch (e) {
    $('#error').textContent = `${(e as { code?: string }).code ?? ''} ${(e as Error).message}`;
  }
  render();
}

const on = (sel: string, action: () => void) => $(sel).addEventListener('click', () => run(action));
on('#step-identities', () => conv.createIdentities());
on('#step-bundle', () => conv.publishBundle(now()));
on('#step-tamper', () => conv.tryTamperedBundle(now()));
on('#step-pqxdh', () => conv.startHandshake(now()));
let counter = 0;
const text = (name: Name) =>
  $<HTMLInputElement>(`#${name.toLowerCase()}-text`).value || `message ${++counter}`;
on('#alice-send', () => conv.send('Alice', text('Alice')));
on('#bob-send', () => conv.send('Bob', text('Bob')));
mountBench($('#bench'));
mountLive($('#live'));
render();
document.body.dataset.ready = 'true';

/**
 * SVG pictures of the protocol state, drawn from values the model decodes: the PQXDH key
 * agreement (four DH outputs and the ML-KEM secret into one HKDF), the root chain (one box per
 * KDF_RK step), and the sending and receiving chains (one dot per message key: used, skipped or
 * next). Every label is a short fingerprint (model.ts `fp`), never a key.
 */
import type { TraceEvent } from '../src/protocol/trace.ts';
import type { RatchetState } from '../src/protocol/ratchet/state.ts';
import { fp } from './model.ts';

const NS = 'http://www.w3.org/2000/svg';

function el(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg(width: number, height: number): SVGSVGElement {
  return el('svg', { viewBox: `0 0 ${width} ${height}`, width, height }) as SVGSVGElement;
}

function box(
  parent: SVGElement,
  x: number,
  y: number,
  w: number,
  label: string,
  sub: string,
  cls: string,
): void {
  parent.append(el('rect', { x, y, width: w, height: 34, rx: 6, class: cls }));
  parent.append(el('text', { x: x + w / 2, y: y + 14, class: 'lbl' }, label));
  parent.append(el('text', { x: x + w / 2, y: y + 28, class: 'fp' }, sub));
}

function arrow(parent: SVGElement, x1: number, y1: number, x2: number, y2: number): void {
  parent.append(el('line', { x1, y1, x2, y2, class: 'arrow', 'marker-end': 'url(#head)' }));
}

function defs(s: SVGSVGElement): void {
  const d = el('defs', {});
  const marker = { id: 'head', markerWidth: 8, markerHeight: 8, refX: 7, refY: 4, orient: 'auto' };
  const m = el('marker', marker);
  m.append(el('path', { d: 'M0,0 L8,4 L0,8 z', class: 'arrowhead' }));
  d.append(m);
  s.append(d);
}

/**
 * The PQXDH key agreement from one side's trace: DH1..DH4 and the ML-KEM shared secret feed
 * HKDF, which yields SK and the two header keys. PQXDH rev. 3 §3.3 (sender) / §3.4 (receiver).
 */
export function pqxdhDiagram(events: TraceEvent[]): SVGSVGElement {
  const s = svg(460, 170);
  defs(s);
  const find = (prefix: string) => events.find((e) => e.step.startsWith(prefix));
  const inputs: [string, string, string][] = [];
  for (const name of ['DH1', 'DH2', 'DH3', 'DH4']) {
    const e = find(`${name} =`);
    inputs.push([name, e ? fp(e.values[name]) : '—', e ? 'dh' : 'absent']);
  }
  const kem = events.find((e) => e.step.includes('PQKEM'));
  inputs.push(['ML-KEM SS', kem ? fp(kem.values.SS) : '—', 'kem']);
  inputs.forEach(([label, sub, cls], i) => {
    box(s, 4 + i * 91, 6, 84, label, sub, cls);
    arrow(s, 46 + i * 91, 40, 230, 78);
  });
  const kdf = find('PQXDH KDF');
  box(s, 150, 80, 160, 'HKDF-SHA256', 'F ‖ DH1 ‖ … ‖ SS', 'kdf');
  const outs = kdf ? Object.entries(kdf.values).filter(([name]) => name !== 'IKM') : [];
  outs.forEach(([name, v], i) => {
    const x = 10 + i * 150;
    arrow(s, 230, 114, x + 60, 130);
    box(s, x, 132, 120, name, fp(v), 'out');
  });
  return s;
}

/** The root chain: one box per root key held so far (each a KDF_RK step). Double Ratchet §3.3. */
export function rootChainDiagram(roots: string[]): SVGSVGElement {
  const shown = roots.slice(-5);
  const s = svg(460, 44);
  defs(s);
  shown.forEach((root, i) => {
    const x = 4 + i * 92;
    if (i > 0) arrow(s, x - 10, 21, x - 1, 21);
    const n = roots.length - shown.length + i;
    box(s, x, 4, 80, `RK${sub(n)}`, root, i === shown.length - 1 ? 'root current' : 'root');
  });
  return s;
}

const sub = (n: number) => String(n).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]);

/**
 * One symmetric chain: a box for its chain key and one dot per message number — used (grey),
 * skipped and cached in MKSKIPPED (amber), the next one (outlined). Double Ratchet §2.2, §3.5.
 */
function chainRow(
  s: SVGElement,
  y: number,
  label: string,
  ck: Uint8Array | null,
  next: number,
  skipped: Set<number>,
  headerKey: Uint8Array | null,
): void {
  box(s, 4, y, 110, label, ck ? fp(ck) : 'none yet', ck ? 'chain' : 'absent');
  s.append(el('text', { x: 59, y: y + 46, class: 'fp' }, headerKey ? `HK ${fp(headerKey)}` : ''));
  const first = Math.max(0, next - 9);
  for (let n = first; n <= next; n++) {
    const cx = 140 + (n - first) * 30;
    const cls = n === next ? 'mk next' : skipped.has(n) ? 'mk skipped' : 'mk used';
    s.append(el('circle', { cx, cy: y + 17, r: 11, class: cls, 'data-n': n }));
    s.append(el('text', { x: cx, y: y + 21, class: 'n' }, String(n)));
  }
}

/**
 * The Double Ratchet state with header encryption: sending chain (CKs, Ns, HKs), receiving chain
 * (CKr, Nr, HKr) with its skipped keys, and the next header keys. Double Ratchet rev. 1 §4.3.
 */
export function chainsDiagram(state: RatchetState): SVGSVGElement {
  const s = svg(460, 150);
  const current = state.headerKeyRecv
    ? state.skipped.find((c) => fp(c.headerKey) === fp(state.headerKeyRecv!))
    : undefined;
  const skippedNow = new Set(current ? [...current.keys.keys()] : []);
  const { nSend, nRecv } = state;
  chainRow(s, 4, `CKs · Ns=${nSend}`, state.chainKeySend, nSend, new Set(), state.headerKeySend);
  chainRow(s, 62, `CKr · Nr=${nRecv}`, state.chainKeyRecv, nRecv, skippedNow, state.headerKeyRecv);
  const nhks = `NHKs ${fp(state.nextHeaderKeySend)}`;
  const nhk = `${nhks} · NHKr ${fp(state.nextHeaderKeyRecv)} · PN=${state.prevChainLength}`;
  s.append(el('text', { x: 4, y: 140, class: 'fp left' }, nhk));
  return s;
}

/**
 * Terminal output for the narrated demo: ANSI colours when stdout is a TTY (and NO_COLOR is unset),
 * plain text otherwise; headings, actor lines, and the `--trace` printer that shows each KDF step
 * with its spec section and SHORT FINGERPRINTS of values (first 4 bytes of SHA-256), never the
 * values themselves.
 */
import { sha256 } from '../hash/index.ts';
import { toHex } from '../util/bytes.ts';
import type { TraceEvent } from '../protocol/trace.ts';

const useColor = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const sgr = (code: string) => (s: string) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);

export const c = {
  bold: sgr('1'),
  dim: sgr('2'),
  red: sgr('31'),
  green: sgr('32'),
  yellow: sgr('33'),
  blue: sgr('34'),
  magenta: sgr('35'),
  cyan: sgr('36'),
  gray: sgr('90'),
};

export type Actor = 'Alice' | 'Bob' | 'Eve' | 'Server' | 'Network';
const ACTOR_STYLE: Record<Actor, (s: string) => string> = {
  Alice: c.magenta,
  Bob: c.cyan,
  Eve: c.red,
  Server: c.yellow,
  Network: c.gray,
};

let section = 0;

/** A numbered chapter heading with a one-line explanation. */
export function chapter(title: string, why: string): void {
  section++;
  const line = '─'.repeat(Math.max(0, 72 - title.length - 6));
  console.log(`\n${c.bold(`── ${section}. ${title} `)}${c.dim(line)}`);
  console.log(c.dim(wrap(why, 76, '   ')));
}

/** One thing an actor does or sees. */
export function say(actor: Actor, text: string): void {
  console.log(`  ${ACTOR_STYLE[actor](actor.padEnd(7))} ${text}`);
}

export function ok(text: string): void {
  console.log(`          ${c.green('✔')} ${text}`);
}

export function fail(text: string): void {
  console.log(`          ${c.red('✘')} ${text}`);
}

export function note(text: string): void {
  console.log(c.dim(wrap(text, 76, '          ')));
}

/** Short fingerprint of a value: '#' + first 4 bytes of SHA-256 (safe to print for secrets). */
export function fp(value: Uint8Array): string {
  return '#' + toHex(sha256(value).subarray(0, 4));
}

export function quote(bytes: Uint8Array): string {
  return `“${new TextDecoder().decode(bytes)}”`;
}

export function size(n: number): string {
  return n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

/** A trace printer for one actor: step, spec section, and fingerprints of every value. */
export function tracePrinter(actor: Actor): (e: TraceEvent) => void {
  return (e) => {
    const values = Object.entries(e.values)
      .map(([k, v]) => `${k}=${fp(v)}`)
      .join(' ');
    console.log(`          ${c.gray('│')} ${ACTOR_STYLE[actor](actor[0])} ${c.blue(e.step)}`);
    console.log(`          ${c.gray('│')}   ${c.gray(e.section)}  ${c.dim(values)}`);
  };
}

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur.length + w.length + 1 > width - indent.length && cur) {
      lines.push(indent + cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(indent + cur);
  return lines.join('\n');
}

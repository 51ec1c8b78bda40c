/**
 * The page's benchmark panel: runs web/pq-ops.ts in this browser tab and shows ops/s next to the
 * figures Node measured for the same operations (bench/browser.ts writes them on the command line;
 * the page has no way to run Node, so it shows only its own numbers).
 */
import { measurePqOps, type OpsResult } from './pq-ops.ts';

declare global {
  interface Window {
    /** Used by bench/browser.ts: runs the measurement and returns the rows. */
    pqmsgBench?: (ms: number) => OpsResult[];
  }
}

export function mountBench(root: HTMLElement): void {
  const button = document.createElement('button');
  button.textContent = 'Measure ML-KEM-768 and ML-DSA-65 in this tab';
  button.dataset.testid = 'bench-run';
  const table = document.createElement('table');
  table.dataset.testid = 'bench-table';
  button.addEventListener('click', () => {
    button.disabled = true;
    button.textContent = 'measuring (about 6 s)…';
    setTimeout(() => {
      const rows = measurePqOps(1000);
      table.replaceChildren(
        ...rows.map((r) => {
          const tr = document.createElement('tr');
          tr.innerHTML = `<td>${r.op}</td><td class="num">${r.opsPerSec.toFixed(0)} ops/s</td>`;
          return tr;
        }),
      );
      button.textContent = 'Measure again';
      button.disabled = false;
    }, 20);
  });
  window.pqmsgBench = (ms) => measurePqOps(ms);
  root.append(button, table);
}

/**
 * Vite configuration of the browser page: `npm run web` serves web/ for development and
 * `npm run build:web` writes the static page to dist-web/. The page imports src/ unchanged
 * (`.ts` specifiers; Vite transforms them); qrcode is the only runtime dependency it bundles.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  server: { host: '127.0.0.1', fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
  build: {
    outDir: fileURLToPath(new URL('../dist-web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  optimizeDeps: { include: ['qrcode'] },
});

import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
/** The node `npm run dev:web` proxies to (REST and the gateway WebSocket). */
const target = process.env.CONCORD_DEV_TARGET ?? 'http://localhost:8080';

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The node serves assets/ with a year-long cache: every file name there carries its hash.
    assetsDir: 'assets',
    sourcemap: false,
    // @concord/protocol declares `sideEffects: false`: its TypeBox schemas (server-side validation)
    // are dropped from the bundle wherever the client only uses types and constants.
    chunkSizeWarningLimit: 800,
  },
  server: {
    // The Host header is kept (no changeOrigin), so the node's GET /gateway answers with this dev
    // server's address and the browser's WebSocket goes through the proxy below, same-origin.
    proxy: {
      '/api': { target },
      '/gateway': { target, ws: true },
    },
  },
});

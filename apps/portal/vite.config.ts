import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built to static files that apps/api serves on the same origin (the session cookie and the
// CSRF cookie then just work). `vite dev` proxies the API paths to a local `npm run up`.
const api = process.env.BERTH_API_URL ?? 'http://127.0.0.1:8080';
const proxied = { target: api, changeOrigin: false, ws: true };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1000 },
  server: {
    proxy: { '/api': proxied, '/w': proxied, '/healthz': proxied, '/readyz': proxied },
  },
});

import { defineConfig } from 'vite';

// The console is served by `issa serve --web-root web/dist` at `/`: relative asset paths, no
// external hosts (no CDN, tile server or web font), and the Natural Earth land shapes from the
// world-atlas package emitted as a hashed asset fetched at start.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});

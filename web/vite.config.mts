import { defineConfig } from 'vite';

/**
 * The console. `npm start` builds it into web/dist, which the server serves at /; `npm run dev:web`
 * serves it with hot reload and proxies the API to a server on :4000 (or COALITION_API).
 */
const api = process.env.COALITION_API ?? 'http://127.0.0.1:4000';

export default defineConfig({
  root: import.meta.dirname,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    manifest: true,
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      // React Router marks its modules "use client" for server components; a plain SPA ignores it.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/graphql': api, '/settlement': api } },
});

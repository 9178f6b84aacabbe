import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/** Served by the orchestrator at /admin/; the service worker caches the shell for offline use. */
export default defineConfig({
  base: '/admin/',
  plugins: [
    vue(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg', 'apple-touch-icon.png'],
      manifest: {
        name: 'AI Secretary',
        short_name: 'Secretary',
        description: 'Admin panel of the AI Secretary',
        start_url: '/admin/',
        scope: '/admin/',
        display: 'standalone',
        background_color: '#f6f7f9',
        theme_color: '#1d4ed8',
        icons: [
          { src: 'pwa-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'pwa-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'pwa-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        navigateFallback: '/admin/index.html',
        navigateFallbackAllowlist: [/^\/admin\//],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  define: {
    // vue-i18n feature flags: Composition API only, no devtools, JIT message compiler (no eval).
    __VUE_I18N_FULL_INSTALL__: false,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __INTLIFY_JIT_COMPILATION__: true,
    __INTLIFY_DROP_MESSAGE_COMPILER__: false,
  },
  server: {
    // `npm run dev -w admin` against a running orchestrator (npm start) on its default port.
    proxy: Object.fromEntries(['/api', '/v1', '/ready', '/health'].map((p) => [p, 'http://127.0.0.1:8002'])),
  },
  build: { target: 'es2022', sourcemap: false, reportCompressedSize: false },
});

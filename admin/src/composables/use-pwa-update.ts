import { ref } from 'vue';

const needRefresh = ref(false);
let update: ((reload?: boolean) => Promise<void>) | null = null;

/** Registers the service worker (production builds only) and exposes "a new version is ready". */
export async function registerServiceWorker(): Promise<void> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const { registerSW } = await import('virtual:pwa-register');
  // immediate: the window 'load' event may already be over when this lazy chunk arrives.
  update = registerSW({ immediate: true, onNeedRefresh: () => void (needRefresh.value = true) });
}

export function usePwaUpdate() {
  return { needRefresh, apply: () => update?.(true) };
}

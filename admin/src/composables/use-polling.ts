import { onBeforeUnmount, onMounted } from 'vue';

/** Bots start and crash on their own: pages showing their status re-read it this often. */
export const STATUS_POLL_MS = 2500;

/**
 * Calls `refresh` on mount and then every `intervalMs` while the component is mounted; a slow answer
 * is never overlapped by the next call.
 */
export function usePolling(refresh: () => Promise<unknown>, intervalMs = STATUS_POLL_MS): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  async function tick(): Promise<void> {
    await refresh().catch(() => undefined);
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
  }
  onMounted(() => void tick());
  onBeforeUnmount(() => {
    stopped = true;
    clearTimeout(timer);
  });
}

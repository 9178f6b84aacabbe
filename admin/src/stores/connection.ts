import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

export interface ConnectionOptions {
  /** How often to probe /health while the server is unreachable. */
  retryMs?: number;
  probe?: () => Promise<boolean>;
}

async function probeHealth(): Promise<boolean> {
  try {
    const response = await fetch(`${location.origin}/health`, { cache: 'no-store' });
    return response.ok;
  } catch {
    return false;
  }
}

/** Whether the orchestrator answers; fed by every API call, re-probed while it does not. */
export const useConnectionStore = defineStore('connection', () => {
  const serverReachable = ref(true);
  const browserOnline = ref(typeof navigator === 'undefined' ? true : navigator.onLine);
  const online = computed(() => serverReachable.value && browserOnline.value);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let options: Required<ConnectionOptions> = { retryMs: 5000, probe: probeHealth };

  function configure(next: ConnectionOptions): void {
    options = { ...options, ...next };
  }

  function schedule(): void {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      void check();
    }, options.retryMs);
  }

  function report(reachable: boolean): void {
    serverReachable.value = reachable;
    if (!reachable) schedule();
  }

  async function check(): Promise<boolean> {
    report(await options.probe());
    return serverReachable.value;
  }

  function setBrowserOnline(value: boolean): void {
    browserOnline.value = value;
    if (value) void check();
  }

  function stop(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  return { serverReachable, browserOnline, online, configure, report, check, setBrowserOnline, stop };
});

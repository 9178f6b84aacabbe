import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { isApiError } from '../api/errors.js';

/** Runs one user action with a busy flag and a readable error or success notice. */
export function useAction() {
  const { t } = useI18n();
  const busy = ref(false);
  const error = ref<string | null>(null);
  const notice = ref<string | null>(null);

  function describe(cause: unknown): string {
    if (isApiError(cause)) return cause.unreachable ? t('app.offline') : cause.message;
    return cause instanceof Error ? cause.message : String(cause);
  }

  async function run<T>(action: () => Promise<T>, success?: string): Promise<T | undefined> {
    busy.value = true;
    error.value = null;
    notice.value = null;
    try {
      const result = await action();
      if (success !== undefined) notice.value = success;
      return result;
    } catch (cause) {
      error.value = describe(cause);
      return undefined;
    } finally {
      busy.value = false;
    }
  }

  return { busy, error, notice, run };
}

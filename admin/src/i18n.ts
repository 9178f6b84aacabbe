import { createI18n } from 'vue-i18n';
import en, { type Messages } from './locales/en.js';
import ru from './locales/ru.js';
import type { Locale } from './stores/prefs.js';

export function createAppI18n(locale: Locale) {
  return createI18n<[Messages], Locale, false>({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en, ru },
  });
}

export type AppI18n = ReturnType<typeof createAppI18n>;

/** Locale-aware date/time for tables; '' for null. */
export function formatDateTime(iso: string | null, locale: string): string {
  if (iso === null) return '';
  return new Date(iso).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' });
}

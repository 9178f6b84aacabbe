import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

export const LOCALES = ['en', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const KEY = 'secretary.prefs';

interface SavedPrefs {
  locale?: unknown;
  theme?: unknown;
}

function readSaved(): SavedPrefs {
  try {
    return (JSON.parse(localStorage.getItem(KEY) ?? '{}') as SavedPrefs | null) ?? {};
  } catch {
    return {};
  }
}

export function guessLocale(languages: readonly string[]): Locale {
  return languages.some((lang) => lang.toLowerCase().startsWith('ru')) ? 'ru' : 'en';
}

const isLocale = (v: unknown): v is Locale => LOCALES.includes(v as Locale);
const isTheme = (v: unknown): v is Theme => THEMES.includes(v as Theme);

/** Language and theme, remembered in localStorage and applied to <html>. */
export const usePrefsStore = defineStore('prefs', () => {
  const saved = readSaved();
  const locale = ref<Locale>(isLocale(saved.locale) ? saved.locale : guessLocale(navigator.languages ?? []));
  const theme = ref<Theme>(isTheme(saved.theme) ? saved.theme : 'system');

  function apply(): void {
    document.documentElement.lang = locale.value;
    if (theme.value === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme.value;
  }
  watch([locale, theme], () => {
    localStorage.setItem(KEY, JSON.stringify({ locale: locale.value, theme: theme.value }));
    apply();
  });
  apply();

  const setLocale = (next: Locale) => void (locale.value = next);
  const setTheme = (next: Theme) => void (theme.value = next);
  return { locale, theme, setLocale, setTheme };
});

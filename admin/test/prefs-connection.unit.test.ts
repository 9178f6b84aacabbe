// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { redirectFor } from '../src/router/index.js';
import { useConnectionStore } from '../src/stores/connection.js';
import { guessLocale, usePrefsStore } from '../src/stores/prefs.js';
import type { RouteLocationNormalized } from 'vue-router';

beforeEach(() => {
  localStorage.clear();
  delete document.documentElement.dataset.theme;
  setActivePinia(createPinia());
});

describe('prefs store', () => {
  it('guesses Russian only for Russian browsers', () => {
    expect(guessLocale(['ru-RU', 'en'])).toBe('ru');
    expect(guessLocale(['de-DE', 'en-US'])).toBe('en');
    expect(guessLocale([])).toBe('en');
  });

  it('remembers language and theme, and applies them to <html>', async () => {
    const prefs = usePrefsStore();
    prefs.setLocale('ru');
    prefs.setTheme('dark');
    await nextTick();
    expect(document.documentElement.lang).toBe('ru');
    expect(document.documentElement.dataset.theme).toBe('dark');

    setActivePinia(createPinia());
    const reloaded = usePrefsStore();
    expect(reloaded.locale).toBe('ru');
    expect(reloaded.theme).toBe('dark');
    reloaded.setTheme('system');
    await nextTick();
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it('ignores a corrupt or foreign saved value', () => {
    localStorage.setItem('secretary.prefs', '{"locale":"xx","theme":"neon"}');
    const prefs = usePrefsStore();
    expect(prefs.theme).toBe('system');
    expect(['en', 'ru']).toContain(prefs.locale);
    localStorage.setItem('secretary.prefs', 'not json');
    setActivePinia(createPinia());
    expect(usePrefsStore().theme).toBe('system');
  });
});

describe('connection store', () => {
  afterEach(() => vi.useRealTimers());

  it('goes offline on a failed call and back online when a later probe answers', async () => {
    vi.useFakeTimers();
    const answers = [false, true];
    const connection = useConnectionStore();
    connection.configure({ retryMs: 5000, probe: async () => answers.shift() ?? true });
    connection.report(false);
    expect(connection.online).toBe(false);
    await vi.advanceTimersByTimeAsync(5000);
    expect(connection.online).toBe(false);
    await vi.advanceTimersByTimeAsync(5000);
    expect(connection.online).toBe(true);
    expect(answers).toEqual([]);
    connection.stop();
  });

  it('is offline while the browser is', () => {
    const connection = useConnectionStore();
    connection.configure({ probe: async () => true });
    connection.setBrowserOnline(false);
    expect(connection.online).toBe(false);
    connection.setBrowserOnline(true);
    expect(connection.online).toBe(true);
  });
});

describe('router guard', () => {
  const route = (name: string, meta: RouteLocationNormalized['meta'] = {}) =>
    ({ name, meta, fullPath: `/${name}` }) as unknown as RouteLocationNormalized;
  const state = (signedIn: boolean, admin: boolean) => ({ signedIn: () => signedIn, admin: () => admin });

  it('sends visitors to the login page with the way back', () => {
    expect(redirectFor(route('users', { adminOnly: true }), state(false, false))).toEqual({
      name: 'login',
      query: { redirect: '/users' },
    });
  });

  it('keeps non-admins out of admin pages and signed-in users off the login page', () => {
    expect(redirectFor(route('audit', { adminOnly: true }), state(true, false))).toEqual({ name: 'dashboard' });
    expect(redirectFor(route('audit', { adminOnly: true }), state(true, true))).toBeNull();
    expect(redirectFor(route('login', { public: true }), state(true, false))).toEqual({ name: 'dashboard' });
    expect(redirectFor(route('sessions'), state(true, false))).toBeNull();
  });
});

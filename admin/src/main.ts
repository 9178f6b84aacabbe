import { createPinia } from 'pinia';
import { createApp, watch } from 'vue';
import { createBrowserApi } from './api/index.js';
import { provideApi } from './api/instance.js';
import App from './app.vue';
import { registerServiceWorker } from './composables/use-pwa-update.js';
import { createAppI18n } from './i18n.js';
import { createAppRouter } from './router/index.js';
import { useAuthStore } from './stores/auth.js';
import { useConnectionStore } from './stores/connection.js';
import { usePrefsStore } from './stores/prefs.js';
import './styles/main.css';

const pinia = createPinia();
provideApi(
  createBrowserApi({
    onReachability: (reachable) => useConnectionStore(pinia).report(reachable),
    onSession: (session) => useAuthStore(pinia).syncSession(session),
  }),
);

const prefs = usePrefsStore(pinia);
const auth = useAuthStore(pinia);
const connection = useConnectionStore(pinia);
const i18n = createAppI18n(prefs.locale);
watch(
  () => prefs.locale,
  (locale) => void (i18n.global.locale.value = locale),
);
window.addEventListener('online', () => connection.setBrowserOnline(true));
window.addEventListener('offline', () => connection.setBrowserOnline(false));

const router = createAppRouter({ signedIn: () => auth.signedIn, admin: () => auth.admin });
// A session that ended elsewhere (refresh refused) sends the user back to the login page.
watch(
  () => auth.signedIn,
  (signedIn) => {
    if (!signedIn && !router.currentRoute.value.meta.public) void router.push({ name: 'login' });
  },
);

createApp(App).use(pinia).use(i18n).use(router).mount('#app');
void registerServiceWorker();
void connection.check();

import { RouterView, type RouteRecordRaw } from 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    adminOnly?: boolean;
    /** i18n key of the page title (also the nav label). */
    titleKey?: string;
  }
}

/** Every page is its own lazily loaded chunk. */
export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('../views/login/login-page.vue'),
    meta: { public: true, titleKey: 'login.title' },
  },
  { path: '/', redirect: { name: 'dashboard' } },
  {
    path: '/dashboard',
    name: 'dashboard',
    component: () => import('../views/dashboard/dashboard-page.vue'),
    meta: { titleKey: 'nav.dashboard' },
  },
  {
    path: '/profile',
    name: 'profile',
    component: () => import('../views/profile/profile-page.vue'),
    meta: { titleKey: 'nav.profile' },
  },
  {
    path: '/users',
    name: 'users',
    component: () => import('../views/users/users-page.vue'),
    meta: { adminOnly: true, titleKey: 'nav.users' },
  },
  {
    path: '/sessions',
    name: 'sessions',
    component: () => import('../views/sessions/sessions-page.vue'),
    meta: { titleKey: 'nav.sessions' },
  },
  {
    path: '/api-keys',
    name: 'api-keys',
    component: () => import('../views/api-keys/api-keys-page.vue'),
    meta: { titleKey: 'nav.apiKeys' },
  },
  {
    path: '/knowledge',
    name: 'knowledge',
    component: () => import('../views/knowledge/knowledge-page.vue'),
    meta: { adminOnly: true, titleKey: 'nav.knowledge' },
  },
  {
    path: '/tools',
    name: 'tools',
    component: () => import('../views/tools/tools-page.vue'),
    meta: { adminOnly: true, titleKey: 'nav.tools' },
  },
  {
    path: '/widget-tokens',
    name: 'widget-tokens',
    component: () => import('../views/widget-tokens/widget-tokens-page.vue'),
    meta: { adminOnly: true, titleKey: 'nav.widgetTokens' },
  },
  {
    // Nested, so the nav entry stays highlighted on a bot's page.
    path: '/telegram',
    component: RouterView,
    meta: { adminOnly: true, titleKey: 'nav.telegram' },
    children: [
      { path: '', name: 'telegram', component: () => import('../views/telegram/telegram-page.vue') },
      { path: ':id', name: 'telegram-bot', component: () => import('../views/telegram/telegram-bot-page.vue') },
    ],
  },
  {
    path: '/payments',
    name: 'payments',
    component: () => import('../views/payments/payments-page.vue'),
    meta: { adminOnly: true, titleKey: 'nav.payments' },
  },
  {
    path: '/discord',
    component: RouterView,
    meta: { adminOnly: true, titleKey: 'nav.discord' },
    children: [
      { path: '', name: 'discord', component: () => import('../views/discord/discord-page.vue') },
      { path: ':id', name: 'discord-bot', component: () => import('../views/discord/discord-bot-page.vue') },
    ],
  },
  {
    path: '/notifications',
    name: 'notifications',
    component: () => import('../views/notifications/notifications-page.vue'),
    meta: { adminOnly: true, titleKey: 'nav.notifications' },
  },
  {
    path: '/privacy',
    name: 'privacy',
    component: () => import('../views/privacy/privacy-page.vue'),
    meta: { adminOnly: true, titleKey: 'nav.privacy' },
  },
  {
    path: '/audit',
    name: 'audit',
    component: () => import('../views/audit/audit-page.vue'),
    meta: { adminOnly: true, titleKey: 'nav.audit' },
  },
  {
    path: '/llm/faq',
    name: 'faq',
    component: () => import('../views/llm/faq-page.vue'),
    meta: { titleKey: 'nav.faq' },
  },
  {
    path: '/llm/providers',
    name: 'providers',
    component: () => import('../views/llm/providers-page.vue'),
    meta: { adminOnly: true, titleKey: 'nav.providers' },
  },
  {
    path: '/llm/personas',
    name: 'personas',
    component: () => import('../views/llm/personas-page.vue'),
    meta: { adminOnly: true, titleKey: 'nav.personas' },
  },
  {
    path: '/llm/usage',
    name: 'usage',
    component: () => import('../views/llm/usage-page.vue'),
    meta: { adminOnly: true, titleKey: 'usage.title' },
  },
  {
    path: '/gsm',
    component: () => import('../views/gsm/gsm-page.vue'),
    meta: { titleKey: 'nav.gsm' },
    children: [
      { path: '', name: 'gsm', component: () => import('../views/gsm/gsm-calls.vue') },
      { path: 'calls/:id', name: 'gsm-call', component: () => import('../views/gsm/gsm-call-detail.vue') },
      { path: 'sms', name: 'gsm-sms', component: () => import('../views/gsm/gsm-sms.vue') },
      {
        path: 'console',
        name: 'gsm-console',
        component: () => import('../views/gsm/gsm-console.vue'),
        meta: { adminOnly: true },
      },
    ],
  },
  {
    path: '/settings',
    name: 'settings',
    component: () => import('../views/settings/settings-page.vue'),
    meta: { titleKey: 'nav.settings' },
  },
  {
    path: '/speech',
    name: 'speech',
    component: () => import('../views/speech/speech-page.vue'),
    meta: { adminOnly: true, titleKey: 'nav.speech' },
  },
  {
    path: '/talk/chat',
    name: 'chat',
    component: () => import('../views/talk/chat-page.vue'),
    meta: { titleKey: 'nav.chat' },
  },
  {
    path: '/talk/voice',
    name: 'voice',
    component: () => import('../views/talk/voice-page.vue'),
    meta: { titleKey: 'voice.title' },
  },
  {
    path: '/messages',
    name: 'messages',
    component: () => import('../views/messages/messages-page.vue'),
    meta: { titleKey: 'nav.messages' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('../views/not-found-page.vue'),
    meta: { titleKey: 'notFound.title' },
  },
];

/** The side navigation, in order. */
export const NAV_ROUTES = [
  'dashboard',
  'messages',
  'chat',
  'voice',
  'gsm',
  'telegram',
  'payments',
  'discord',
  'notifications',
  'speech',
  'faq',
  'knowledge',
  'tools',
  'providers',
  'personas',
  'usage',
  'users',
  'sessions',
  'api-keys',
  'widget-tokens',
  'audit',
  'privacy',
  'settings',
  'profile',
] as const;

import type { FunnelDefinition } from '@ai-secretary/protocol';

const t = (en: string, ru: string) => ({ en, ru });

/**
 * A small quiz funnel like a sales bot's: consent, name and phone, tech level × infrastructure → segment
 * (diy / basic / custom), an offer per segment with its product, and a question for the model on the way.
 */
export function quizFunnel(version = 'v1'): FunnelDefinition {
  return {
    start: 'welcome',
    steps: [
      {
        id: 'welcome',
        type: 'message',
        text: t(`Welcome (${version})!`, `Добро пожаловать (${version})!`),
        variants: [
          {
            id: 'A',
            text: t(`Welcome (${version})! Shall we find your plan?`, `Здравствуйте (${version})! Подберём тариф?`),
          },
          {
            id: 'B',
            text: t(`Hi (${version})! Two minutes to your plan.`, `Привет (${version})! Две минуты до тарифа.`),
          },
        ],
        buttons: [
          { label: t("Let's go", 'Поехали'), next: 'name', consent: true },
          { label: t('Ask a question', 'Задать вопрос'), next: 'chat' },
        ],
      },
      {
        id: 'chat',
        type: 'llm',
        text: t('Ask me anything.', 'Спрашивайте.'),
        prompt: 'You sell the AI Secretary. Answer briefly and invite the user back to the quiz.',
        next: { label: t('Back to the quiz', 'К опросу'), step: 'name' },
      },
      {
        id: 'name',
        type: 'question',
        text: t('What is your name?', 'Как вас зовут?'),
        field: 'name',
        capture: 'name',
        next: 'phone',
      },
      {
        id: 'phone',
        type: 'question',
        text: t(`Your phone number (${version})?`, `Ваш телефон (${version})?`),
        field: 'phone',
        capture: 'phone',
        next: 'tech',
      },
      {
        id: 'tech',
        type: 'message',
        text: t(`How technical are you (${version})?`, `Насколько вы технарь (${version})?`),
        field: 'tech',
        buttons: [
          { label: t('I write code', 'Пишу код'), value: 'high', next: 'infra' },
          { label: t('Not really', 'Не очень'), value: 'low', next: 'infra' },
        ],
      },
      {
        id: 'infra',
        type: 'message',
        text: t('Do you have a server?', 'Есть ли у вас сервер?'),
        field: 'infra',
        buttons: [
          { label: t('Yes, my own', 'Да, свой'), value: 'own', next: 'route' },
          { label: t('Nothing yet', 'Пока нет'), value: 'none', next: 'route' },
        ],
      },
      {
        id: 'route',
        type: 'branch',
        rules: [
          { when: [{ field: 'segment', in: ['diy'] }], next: 'offer-diy' },
          { when: [{ field: 'segment', in: ['custom'] }], next: 'offer-custom' },
        ],
        otherwise: 'offer-basic',
      },
      {
        id: 'offer-diy',
        type: 'offer',
        text: t('The DIY kit: install it yourself.', 'Набор «сам себе админ».'),
        productId: 'diy-kit',
        price: '990 ₽',
        payLabel: t('Pay 990 ₽', 'Оплатить 990 ₽'),
      },
      {
        id: 'offer-basic',
        type: 'offer',
        text: t('The basic plan: we host it.', 'Базовый тариф: мы всё разместим.'),
        productId: 'basic-plan',
        price: '4 900 ₽',
      },
      {
        id: 'offer-custom',
        type: 'offer',
        text: t('A custom setup, done for you.', 'Настройка под ключ.'),
        managerLabel: t('Call me', 'Позвоните мне'),
      },
    ],
    segments: {
      rules: [
        {
          segment: 'diy',
          when: [
            { field: 'tech', in: ['high'] },
            { field: 'infra', in: ['own'] },
          ],
        },
        {
          segment: 'custom',
          when: [
            { field: 'tech', in: ['low'] },
            { field: 'infra', in: ['none'] },
          ],
        },
      ],
      otherwise: 'basic',
    },
  };
}

/** A fictional bakery's documents, in Russian and English, that the knowledge tests index. */
export const DOCUMENTS = [
  {
    title: 'Пекарня «Колосок»',
    format: 'markdown' as const,
    language: 'ru',
    text: [
      '# Пекарня «Колосок»',
      '## Цены',
      'Батон стоит 90 рублей, бородинский хлеб — 120 рублей, торт «Наполеон» на заказ — 1800 рублей за килограмм.',
      '## Часы работы',
      'Мы открыты с понедельника по пятницу с 8:00 до 20:00, в субботу с 9:00 до 18:00, в воскресенье выходной.',
      '## Доставка',
      'Доставляем заказы курьером по всему городу в течение двух часов. Доставка бесплатна при заказе от 1500 рублей, иначе 250 рублей.',
      '## Возврат',
      'Если товар оказался несвежим, вернём деньги или заменим его в течение суток по чеку.',
      '## Адрес',
      'Наша пекарня находится по адресу: улица Ленина, дом 15, рядом с метро «Площадь Революции».',
    ].join('\n\n'),
  },
  {
    title: 'Golden Crust Bakery',
    format: 'markdown' as const,
    language: 'en',
    text: [
      '# Golden Crust Bakery',
      '## Prices',
      'A sourdough loaf costs $6, croissants are $3 each, and custom birthday cakes start at $45.',
      '## Opening hours',
      'We are open Monday to Friday from 7 am to 7 pm and Saturday 8 am to 4 pm; closed on Sundays.',
      '## Delivery',
      'We deliver orders within the city limits in two hours by courier. Delivery is free for orders over $40, otherwise $5.',
      '## Returns',
      'Not happy with a purchase? Bring it back with the receipt within 24 hours for a full refund or an exchange.',
      '## Address',
      'The bakery is located at 221 Baker Street, next to the central railway station.',
    ].join('\n\n'),
  },
];

/** Paraphrased questions and the heading of the passage that answers each. */
export const QUESTIONS: Array<{ q: string; heading: string }> = [
  { q: 'Сколько стоит бородинский хлеб?', heading: 'Пекарня «Колосок» › Цены' },
  { q: 'Какие у вас цены на торты?', heading: 'Пекарня «Колосок» › Цены' },
  { q: 'Во сколько вы открываетесь в субботу?', heading: 'Пекарня «Колосок» › Часы работы' },
  { q: 'Есть ли доставку на дом курьером?', heading: 'Пекарня «Колосок» › Доставка' },
  { q: 'Сколько стоит доставки?', heading: 'Пекарня «Колосок» › Доставка' },
  { q: 'Можно ли вернуть несвежий товар?', heading: 'Пекарня «Колосок» › Возврат' },
  { q: 'По какому адресу находится пекарня?', heading: 'Пекарня «Колосок» › Адрес' },
  { q: 'How much does a sourdough loaf cost?', heading: 'Golden Crust Bakery › Prices' },
  { q: 'What are your opening hours on Saturday?', heading: 'Golden Crust Bakery › Opening hours' },
  { q: 'Do you deliver to my house?', heading: 'Golden Crust Bakery › Delivery' },
  { q: 'Is delivery free?', heading: 'Golden Crust Bakery › Delivery' },
  { q: 'Can I return a cake and get a refund?', heading: 'Golden Crust Bakery › Returns' },
  { q: "What's your address?", heading: 'Golden Crust Bakery › Address' },
];

export const UNRELATED = ['What is the capital of France?', 'Какая завтра погода в Сочи?'];

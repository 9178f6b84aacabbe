import type { OwnerEvent, OwnerNotice, TestEvent } from './types.js';

type Language = 'ru' | 'en';

const unknown = { ru: 'неизвестный номер', en: 'unknown number' };

function messageTaken(e: Extract<OwnerEvent, { event: 'message.taken' }>, lang: Language) {
  const who = e.callerName ?? (lang === 'ru' ? 'Звонящий' : 'A caller');
  const phone = e.callbackNumber ?? unknown[lang];
  return lang === 'ru'
    ? { title: `Новое сообщение: ${who}`, body: `${who} (${phone}) оставил(а) сообщение: ${e.reason}` }
    : { title: `New message: ${who}`, body: `${who} (${phone}) left a message: ${e.reason}` };
}

function callMissed(e: Extract<OwnerEvent, { event: 'call.missed' }>, lang: Language) {
  const from = e.number ?? unknown[lang];
  return lang === 'ru'
    ? { title: 'Пропущенный звонок', body: `Пропущенный звонок с номера ${from}` }
    : { title: 'Missed call', body: `Missed call from ${from}` };
}

function callVoicemail(e: Extract<OwnerEvent, { event: 'call.voicemail' }>, lang: Language) {
  const from = e.number ?? unknown[lang];
  return lang === 'ru'
    ? { title: 'Голосовое сообщение', body: `Звонок с номера ${from} записан (${e.durationS} с)` }
    : { title: 'Voicemail', body: `A call from ${from} was recorded (${e.durationS} s)` };
}

function smsReceived(e: Extract<OwnerEvent, { event: 'sms.received' }>, lang: Language) {
  return lang === 'ru'
    ? { title: `SMS от ${e.number}`, body: e.text }
    : { title: `SMS from ${e.number}`, body: e.text };
}

function processFailing(e: Extract<OwnerEvent, { event: 'process.failing' }>, lang: Language) {
  return lang === 'ru'
    ? { title: `Сбой процесса ${e.processId}`, body: `Процесс ${e.processId} (${e.kind}) остановлен: ${e.reason}` }
    : { title: `Process ${e.processId} is failing`, body: `Process ${e.processId} (${e.kind}) stopped: ${e.reason}` };
}

function paymentReceived(e: Extract<OwnerEvent, { event: 'payment.received' }>, lang: Language) {
  const who = e.payer ?? (lang === 'ru' ? 'покупатель' : 'a customer');
  return lang === 'ru'
    ? {
        title: `Оплата: ${e.amount}`,
        body: `${who} оплатил(а) «${e.product}» (${e.amount}, ${e.method}) в боте ${e.bot}`,
      }
    : {
        title: `Payment: ${e.amount}`,
        body: `${who} paid for "${e.product}" (${e.amount}, ${e.method}) in the bot ${e.bot}`,
      };
}

function test(lang: Language) {
  return lang === 'ru'
    ? { title: 'Проверка уведомлений', body: 'Это проверочное уведомление AI Secretary.' }
    : { title: 'Notification test', body: 'This is a test notification from AI Secretary.' };
}

/** The owner's notice for an event, in the target's language, prefixed with the business name. */
export function renderNotice(event: OwnerEvent | TestEvent, lang: Language, business: string): OwnerNotice {
  const text = textOf(event, lang);
  const title = business ? `${business}: ${text.title}` : text.title;
  const urgent = event.event === 'process.failing';
  return { title, body: text.body, priority: urgent ? 5 : 4, tags: [tagOf(event.event)] };
}

function textOf(event: OwnerEvent | TestEvent, lang: Language): { title: string; body: string } {
  switch (event.event) {
    case 'message.taken':
      return messageTaken(event, lang);
    case 'call.missed':
      return callMissed(event, lang);
    case 'call.voicemail':
      return callVoicemail(event, lang);
    case 'sms.received':
      return smsReceived(event, lang);
    case 'process.failing':
      return processFailing(event, lang);
    case 'payment.received':
      return paymentReceived(event, lang);
    case 'test':
      return test(lang);
  }
}

const TAGS: Record<string, string> = {
  'message.taken': 'memo',
  'call.missed': 'telephone_receiver',
  'call.voicemail': 'studio_microphone',
  'sms.received': 'speech_balloon',
  'process.failing': 'warning',
  'payment.received': 'moneybag',
  test: 'white_check_mark',
};
const tagOf = (event: string) => TAGS[event] ?? 'bell';

import type { VoicePhrases } from './phrases.js';
import type { TakenMessageDraft } from './ports.js';

const DIGIT_WORDS: Record<string, string> = {
  zero: '0',
  oh: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  ноль: '0',
  нуль: '0',
  один: '1',
  одна: '1',
  два: '2',
  две: '2',
  три: '3',
  четыре: '4',
  пять: '5',
  шесть: '6',
  семь: '7',
  восемь: '8',
  девять: '9',
};

/** "plus seven nine one six 123-45-67" → "+79161234567"; spoken digit words in English and Russian. */
export function extractPhoneNumber(text: string): string {
  const words = text.toLowerCase().split(/[\s,.;!?-]+/);
  let digits = text.trim().startsWith('+') || words[0] === 'plus' || words[0] === 'плюс' ? '+' : '';
  for (const word of words) digits += DIGIT_WORDS[word] ?? word.replace(/\D/g, '');
  return digits;
}

const YES =
  /^(yes|yeah|yep|correct|right|sure|that'?s right|да|верно|правильно|всё верно|все верно|ага|конечно)(?=\s|$)/u;
const NO = /^(no|nope|wrong|not|нет|неверно|неправильно)(?=\s|$)/u;

export function yesOrNo(text: string): 'yes' | 'no' | null {
  const clean = text
    .toLowerCase()
    .replace(/[^\p{L}\s']/gu, ' ')
    .trim();
  if (YES.test(clean)) return 'yes';
  if (NO.test(clean)) return 'no';
  return null;
}

function cleanName(text: string): string {
  return text
    .replace(/^(my name is|this is|i am|i'm|it's|меня зовут|это|я)\s+/i, '')
    .replace(/[.!?]+$/, '')
    .trim();
}

type Step = 'name' | 'reason' | 'number' | 'confirm';

export interface DialogueReply {
  say: string;
  /** Set once the caller confirmed: store it. */
  message?: TakenMessageDraft;
}

/**
 * Degraded mode when every LLM provider is down: a fixed dialogue that collects name, reason and
 * a callback number, reads them back and stores the message once the caller says yes.
 */
export function createMessageTakingDialogue(phrases: VoicePhrases['scripted']) {
  let step: Step = 'name';
  const draft: TakenMessageDraft = { callerName: '', reason: '', callbackNumber: '' };
  let numberAttempts = 0;

  function confirmText(): string {
    return phrases.confirm
      .replace('{name}', draft.callerName)
      .replace('{reason}', draft.reason)
      .replace('{number}', draft.callbackNumber.split('').join(' '));
  }

  function onNumber(text: string): DialogueReply {
    const number = extractPhoneNumber(text);
    numberAttempts++;
    if (number.replace('+', '').length < 5 && numberAttempts < 3) return { say: phrases.askNumber };
    draft.callbackNumber = number === '' ? text.trim() : number;
    step = 'confirm';
    return { say: confirmText() };
  }

  function onConfirm(text: string): DialogueReply {
    const answer = yesOrNo(text);
    if (answer === 'yes') return { say: phrases.stored, message: { ...draft } };
    if (answer === null) return { say: phrases.unclear };
    step = 'name';
    numberAttempts = 0;
    return { say: `${phrases.retry} ${phrases.askName}` };
  }

  return {
    start(): string {
      return `${phrases.intro} ${phrases.askName}`;
    },
    answer(text: string): DialogueReply {
      switch (step) {
        case 'name':
          draft.callerName = cleanName(text) || text.trim();
          step = 'reason';
          return { say: phrases.askReason };
        case 'reason':
          draft.reason = text.trim().replace(/[.!?]+$/, '');
          step = 'number';
          return { say: phrases.askNumber };
        case 'number':
          return onNumber(text);
        case 'confirm':
          return onConfirm(text);
      }
    },
  };
}

export type MessageTakingDialogue = ReturnType<typeof createMessageTakingDialogue>;

/** An outgoing call: who was called, for whom, and why. */
export interface OutgoingCall {
  /** The number called (offered for the call back; '' when unknown, then it is asked for). */
  number: string;
  business: string;
  task: string | null;
}

/**
 * Degraded mode on an OUTGOING call: the person called did not call us, so instead of asking them to leave a
 * message the secretary says who calls and why, and offers a call back (on this number, or one they give); the
 * call-back request is stored as a taken message for the business.
 */
export function createCallBackDialogue(
  phrases: VoicePhrases['callBack'],
  scripted: VoicePhrases['scripted'],
  call: OutgoingCall,
) {
  let step: 'offer' | 'number' | 'confirm' = call.number ? 'offer' : 'number';
  let number = call.number;
  let attempts = 0;
  const message = (): TakenMessageDraft => ({
    callerName: `(called: ${call.number})`,
    callbackNumber: number,
    reason: call.task ? `Call back about: ${call.task}` : 'Call back (an outgoing call the secretary could not hold)',
  });
  const confirm = () => phrases.confirm.replace('{number}', number.split('').join(' '));

  function onNumber(text: string): DialogueReply {
    const heard = extractPhoneNumber(text);
    attempts++;
    if (heard.replace('+', '').length < 5 && attempts < 3) return { say: phrases.askNumber };
    number = heard === '' ? text.trim() : heard;
    step = 'confirm';
    return { say: confirm() };
  }

  function onYesNo(text: string): DialogueReply {
    const answer = yesOrNo(text);
    if (answer === 'yes') return { say: phrases.stored, message: message() };
    if (answer === null) return { say: scripted.unclear };
    step = 'number';
    attempts = 0;
    return { say: phrases.askNumber };
  }

  return {
    start(): string {
      const intro = (call.task ? phrases.intro.replace('{task}', call.task) : phrases.introNoTask).replace(
        '{business}',
        call.business,
      );
      return step === 'offer' ? intro : `${intro.replace(/[^.!?]*\?$/, '').trim()} ${phrases.askNumber}`;
    },
    answer(text: string): DialogueReply {
      return step === 'number' ? onNumber(text) : onYesNo(text);
    },
  };
}

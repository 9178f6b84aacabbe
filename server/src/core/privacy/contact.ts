import { ValidationError } from '../../errors.js';
import { CONTACT_KINDS, type ContactKind, type ContactRef } from './types.js';

const PATTERNS: Record<ContactKind, { re: RegExp; what: string }> = {
  phone: { re: /^\+?[0-9]{3,20}$/, what: 'a phone number of 3 to 20 digits, with an optional leading +' },
  telegram: { re: /^-?[0-9]{1,20}$/, what: 'a numeric Telegram user or chat id' },
  discord: { re: /^[0-9]{15,21}$/, what: 'a numeric Discord user id (snowflake)' },
  widget: { re: /^[A-Za-z0-9_-]{8,128}$/, what: 'a widget visitor id (8 to 128 letters, digits, _ or -)' },
};

/** Parses a contact from the API; spaces, dashes, dots and brackets in a phone number are dropped. */
export function parseContact(kind: string, raw: string): ContactRef {
  if (!(CONTACT_KINDS as readonly string[]).includes(kind))
    throw new ValidationError(`contact kind must be one of ${CONTACT_KINDS.join(', ')}`);
  const k = kind as ContactKind;
  const id = k === 'phone' ? raw.replace(/[\s().-]/g, '') : raw.trim();
  if (!PATTERNS[k].re.test(id)) throw new ValidationError(`${k} contact must be ${PATTERNS[k].what}`);
  return { kind: k, id };
}

/** The forms a phone number may be stored in (with and without `+`). */
export function phoneForms(id: string): string[] {
  const digits = id.replace(/^\+/, '');
  return [digits, `+${digits}`];
}

import { GsmUnavailableError } from '../../errors.js';
import type { GsmService } from '../gsm/gsm-service.js';
import type { MessagesService } from '../messages/messages-service.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { OwnerExecutors } from './owner-commands.js';
import type { OwnerCommand } from './types.js';

/** The services an owner command runs through: the very ones behind the admin API. */
export interface OwnerServices {
  /** Null when the GSM channel is off. */
  gsm: Pick<GsmService, 'sendSms'> | null;
  messages: Pick<MessagesService, 'markHandled' | 'list'>;
  settings: Pick<SettingsService, 'current' | 'update'>;
}

async function sendSms(services: OwnerServices, to: string, text: string): Promise<string> {
  if (!services.gsm) throw new GsmUnavailableError('The GSM modem is not enabled on this server');
  const sms = await services.gsm.sendSms(to, text);
  return sms.status === 'failed' ? `the modem could not send it: ${sms.error ?? 'unknown error'}` : 'SMS sent';
}

async function setGreeting(services: OwnerServices, greeting: string, actorId: string): Promise<string> {
  const { saved: _saved, updatedAt: _at, ...current } = services.settings.current();
  await services.settings.update({ ...current, greeting }, actorId);
  return 'greeting saved';
}

export function createOwnerExecutors(services: OwnerServices): OwnerExecutors {
  return {
    async run(command: OwnerCommand, actorId: string): Promise<string> {
      switch (command.kind) {
        case 'send_sms':
          return sendSms(services, command.to, command.text);
        case 'mark_message_handled':
          await services.messages.markHandled(command.messageId, actorId);
          return 'marked as handled';
        case 'set_greeting':
          return setGreeting(services, command.greeting, actorId);
      }
    },
  };
}

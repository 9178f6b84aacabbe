import { createOwnerExecutors } from '../core/owner/executors.js';
import { createOwnerCommandService, type OwnerCommandService } from '../core/owner/owner-commands.js';
import { createTurnTools, type TurnToolsFactory } from '../core/owner/turn-tools.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface OwnerModule extends Module {
  commands: OwnerCommandService;
  /** The tools of a bot turn (every channel's bots use this one factory). */
  turnTools: TurnToolsFactory;
}

/**
 * Owner commands: the owner runs the secretary from a private chat with a bot; each changing command waits for
 * a Confirm press, then runs through the services the admin API uses (SMS, taken messages, settings) and is
 * audited with the owner as the actor. Comes after `gsm` (SMS, when it is on) and before the bot channels.
 */
export const ownerModule: ModuleDefinition<Started, 'owner'> = {
  name: 'owner',
  async start({ logger, clock, get, find }) {
    const log = logger.child({ component: 'owner-commands' });
    const { stores } = get('database');
    const settings = get('settings').service;
    const { messages } = get('voice');
    const gsm = find('gsm')?.channel.service ?? null;
    const commands = createOwnerCommandService({
      store: stores.ownerCommands,
      executors: createOwnerExecutors({ gsm, messages, settings }),
      audit: get('accounts').services.audit,
      clock,
      onError: (err, message) => log.warn({ err }, message),
    });
    const turnTools = createTurnTools({ commands, messages, timezone: () => settings.current().timezone, clock });
    return { name: 'owner', commands, turnTools };
  },
};

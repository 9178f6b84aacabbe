import { nodeEntryArgs } from '../entry-points.js';
import type { ProcessSupervisor } from '../processes/process-supervisor.js';
import type { SupervisedChild } from '../processes/supervised-child.js';

/** A bot as its channel's process host needs it: who it is and whether admins want it running. */
export interface HostedBot {
  id: string;
  name: string;
  desired: 'running' | 'stopped';
}

export interface BotProcessesDeps<B extends HostedBot> {
  /** The child kind (`telegram-bot`, `discord-bot`); child ids are `<platform>-<botId>`. */
  kind: 'telegram-bot' | 'discord-bot';
  /** The bot process's entry module, relative to the repository. */
  entry: string;
  bots: { list(): Promise<B[]>; setDesired(id: string, desired: HostedBot['desired']): Promise<B> };
  supervisor: ProcessSupervisor;
  memoryLimitMb: number;
  logLevel: string;
  /** How the supervisor names the child in logs and the processes page. */
  label(bot: B): string;
  /** Its process is gone (removed or halted): the channel drops what it held for the bot's link. */
  onRemoved(botId: string): void;
}

/**
 * One supervised child process per bot, for the bot channels (Telegram, Discord): start the ones admins left
 * running, start/stop/restart on request, remove. The desired state is stored first, so a restarted
 * orchestrator brings back what admins left running.
 */
export function createBotProcesses<B extends HostedBot>(deps: BotProcessesDeps<B>) {
  const prefix = `${deps.kind.replace(/-bot$/, '')}-`;
  const childIdOf = (botId: string) => `${prefix}${botId}`;
  const child = (botId: string): SupervisedChild | undefined => deps.supervisor.get(childIdOf(botId));

  function spawn(bot: B): void {
    deps.supervisor.add({
      id: childIdOf(bot.id),
      kind: deps.kind,
      name: deps.label(bot),
      command: process.execPath,
      args: nodeEntryArgs(deps.entry),
      env: { BOT_NAME: bot.name, LOG_LEVEL: deps.logLevel },
      handshakeTimeoutMs: 60_000,
      memoryLimitBytes: deps.memoryLimitMb * 1_048_576,
      backoffMaxMs: 60_000,
    });
  }

  async function remove(botId: string): Promise<void> {
    await deps.supervisor.remove(childIdOf(botId));
    deps.onRemoved(botId);
  }

  return {
    childIdOf,
    botIdOf: (childId: string) => childId.slice(prefix.length),
    child,
    remove,
    async startDesired(): Promise<void> {
      for (const bot of await deps.bots.list()) if (bot.desired === 'running') spawn(bot);
    },
    async run(botId: string): Promise<void> {
      const bot = await deps.bots.setDesired(botId, 'running');
      const current = child(botId);
      if (!current) spawn(bot);
      else if (current.status === 'failed' || current.status === 'stopped') current.restart('started by an admin');
    },
    async halt(botId: string): Promise<void> {
      await deps.bots.setDesired(botId, 'stopped');
      await remove(botId);
    },
    async restart(botId: string): Promise<void> {
      const bot = await deps.bots.setDesired(botId, 'running');
      const current = child(botId);
      if (current) current.restart('restarted by an admin');
      else spawn(bot);
    },
  };
}
export type BotProcesses = ReturnType<typeof createBotProcesses>;

import { currentTimeTool } from '../llm/common-tools.js';
import type { LoopTool } from '../llm/tool-loop.js';
import type { OwnerPrompt } from './owner-commands.js';
import { ownerTools, type OwnerToolsDeps } from './owner-tools.js';
import type { OwnerActor, OwnerCommandRecord } from './types.js';

/** The tools of one bot turn, and the confirmations its owner commands need once the reply is out. */
export interface TurnTools {
  tools: LoopTool[];
  /** Prompts (Confirm / Cancel) for the commands proposed during the turn. */
  prompts(): OwnerPrompt[];
}

export const NO_TURN_TOOLS: TurnTools = { tools: [], prompts: () => [] };

/** A turn's tools with more of them (the owner's HTTP tools for the bot's persona). */
export const withMoreTools = (base: TurnTools, more: LoopTool[]): TurnTools =>
  more.length === 0 ? base : { tools: [...base.tools, ...more], prompts: () => base.prompts() };

/**
 * One factory for every channel's turns: `current_time` for everyone, and for an owner in a private chat (the
 * channel decides who that is and passes the actor; null for anyone else) the owner tools too.
 */
export function createTurnTools(deps: OwnerToolsDeps) {
  const common = [currentTimeTool(deps)];
  return (actor: OwnerActor | null): TurnTools => {
    if (actor === null) return { tools: common, prompts: () => [] };
    const proposed: OwnerCommandRecord[] = [];
    return {
      tools: [...common, ...ownerTools(deps, actor, proposed)],
      prompts: () => proposed.map((record) => deps.commands.promptOf(record, actor.language)),
    };
  };
}

export type TurnToolsFactory = ReturnType<typeof createTurnTools>;

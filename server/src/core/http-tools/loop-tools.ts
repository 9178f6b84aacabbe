import type { LoopTool } from '../llm/tool-loop.js';
import type { HttpToolsService } from './http-tools-service.js';
import type { HttpToolChannel, HttpToolRecord } from './types.js';

/** The definition the model reads: the tool's name, description and argument schema. */
export const definitionOf = (tool: HttpToolRecord): LoopTool['definition'] => ({
  type: 'function',
  function: { name: tool.name, description: tool.description, parameters: tool.parameters },
});

/** Where a conversation runs: the tools it is offered depend on both. */
export interface ToolScope {
  channel: HttpToolChannel;
  /** The persona route (null: a conversation with no persona, which gets the tools open to every persona). */
  route: string | null;
}

/** The owner's HTTP tools a tool-loop turn offers (the /v1 persona routes, Telegram and Discord turns). */
export function httpLoopTools(service: HttpToolsService, scope: ToolScope): LoopTool[] {
  return service.offered(scope.channel, scope.route).map((tool) => ({
    definition: definitionOf(tool),
    run: async (args, signal) => (await service.call(tool, args, { ...scope, canConfirm: false, signal })).result,
  }));
}

/** The voice engine's view of the HTTP tools (core/voice/ports.ts `HttpToolsPort`). */
export function httpToolsVoicePort(service: HttpToolsService, defaultRoute: () => string) {
  const scope = (route: string | undefined): ToolScope => ({ channel: 'voice', route: route ?? defaultRoute() });
  return {
    specs: (route: string | undefined) =>
      service
        .offered('voice', scope(route).route)
        .map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })),
    async run(name: string, args: Record<string, unknown>, route: string | undefined, signal: AbortSignal) {
      const { channel, route: persona } = scope(route);
      const tool = service.offered(channel, persona).find((t) => t.name === name);
      if (!tool) return null;
      return (await service.call(tool, args, { channel, route: persona, canConfirm: false, signal })).result;
    },
  };
}

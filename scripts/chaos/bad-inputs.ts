import type { ChaosContext, ScenarioResult } from './lib.js';

export async function badInputs(ctx: ChaosContext): Promise<ScenarioResult[]> {
  await Promise.resolve(ctx);
  return [];
}

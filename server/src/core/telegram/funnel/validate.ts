import type { FunnelCondition, FunnelDefinition, FunnelStep, FunnelText } from '@ai-secretary/protocol';
import { FunnelInvalidError } from '../../../errors.js';

/** Where each step may lead (what the walker follows), as step ids. */
function targets(step: FunnelStep): string[] {
  switch (step.type) {
    case 'message':
      return [...step.buttons.map((b) => b.next), ...(step.next ? [step.next] : [])];
    case 'question':
      return [step.next];
    case 'branch':
      return [...step.rules.map((r) => r.next), step.otherwise];
    case 'llm':
      return step.next ? [step.next.step] : [];
    case 'offer':
      return [];
  }
}

/** Steps the walker passes without waiting for the user (a cycle of these never ends). */
function autoTargets(step: FunnelStep): string[] {
  if (step.type === 'branch') return targets(step);
  if (step.type === 'message' && step.buttons.length === 0 && step.next) return [step.next];
  return [];
}

const empty = (text: FunnelText) => !text.ru.trim() && !text.en.trim();

function textProblems(step: FunnelStep): string[] {
  if (step.type === 'branch') return [];
  const problems: string[] = [];
  if (step.type !== 'llm' && empty(step.text)) problems.push(`step "${step.id}" has no text in either language`);
  const ids = new Set<string>();
  for (const variant of step.variants ?? []) {
    if (ids.has(variant.id)) problems.push(`step "${step.id}" has two variants "${variant.id}"`);
    ids.add(variant.id);
    if (empty(variant.text)) problems.push(`variant "${variant.id}" of step "${step.id}" has no text`);
  }
  return problems;
}

function buttonProblems(step: FunnelStep): string[] {
  const problems: string[] = [];
  if (step.type === 'message') {
    for (const [i, button] of step.buttons.entries()) {
      if (empty(button.label)) problems.push(`button ${i + 1} of step "${step.id}" has no label`);
      if (step.field && button.value === undefined)
        problems.push(`button ${i + 1} of step "${step.id}" needs a value (the step stores "${step.field}")`);
      if (!step.field && button.value !== undefined)
        problems.push(`step "${step.id}" has button values but no field to store them in`);
    }
    if (step.buttons.length > 0 && step.next)
      problems.push(`step "${step.id}" has both buttons and "next": the buttons decide`);
  }
  if (step.type === 'offer' && step.payLabel && !step.productId)
    problems.push(`offer "${step.id}" has a payment button but no productId`);
  return problems;
}

/** Every field a step stores, with the values its buttons can give (null: free text). */
function fieldsOf(steps: FunnelStep[]): Map<string, Set<string> | null> {
  const fields = new Map<string, Set<string> | null>();
  for (const step of steps) {
    if (step.type === 'question') fields.set(step.field, null);
    if (step.type === 'message' && step.field) {
      const values = fields.get(step.field) ?? new Set<string>();
      for (const b of step.buttons) if (b.value !== undefined) values.add(b.value);
      fields.set(step.field, values);
    }
  }
  return fields;
}

function conditionProblems(
  where: string,
  conditions: FunnelCondition[],
  fields: Map<string, Set<string> | null>,
  segments: Set<string> | null,
): string[] {
  const problems: string[] = [];
  for (const condition of conditions) {
    const known = condition.field === 'segment' && segments ? segments : fields.get(condition.field);
    if (known === undefined) {
      problems.push(`${where} looks at "${condition.field}", which no step asks for`);
      continue;
    }
    for (const value of condition.in)
      if (known !== null && !known.has(value))
        problems.push(
          `${where} expects "${condition.field}" to be "${value}", which no ${condition.field === 'segment' ? 'segment rule' : 'button'} gives`,
        );
  }
  return problems;
}

/** The step ids in a cycle of steps passed without the user, if any. */
function autoCycle(byId: Map<string, FunnelStep>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === 'done') return null;
    if (state.get(id) === 'open') return path.slice(path.indexOf(id));
    const step = byId.get(id);
    if (!step) return null;
    state.set(id, 'open');
    path.push(id);
    for (const next of autoTargets(step)) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return null;
  };
  for (const id of byId.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return null;
}

function structureProblems(definition: FunnelDefinition, byId: Map<string, FunnelStep>): string[] {
  const problems: string[] = [];
  if (byId.size !== definition.steps.length) {
    const seen = new Set<string>();
    for (const step of definition.steps) {
      if (seen.has(step.id)) problems.push(`two steps are called "${step.id}"`);
      seen.add(step.id);
    }
  }
  if (!byId.has(definition.start)) problems.push(`the start step "${definition.start}" does not exist`);
  for (const step of definition.steps)
    for (const next of targets(step))
      if (!byId.has(next)) problems.push(`step "${step.id}" leads to "${next}", which does not exist`);
  const cycle = autoCycle(byId);
  if (cycle) problems.push(`steps ${cycle.map((id) => `"${id}"`).join(' → ')} lead to each other without the user`);
  return problems;
}

/** Every problem of a definition, in words an admin can act on (empty: it can be walked). */
export function funnelProblems(definition: FunnelDefinition): string[] {
  const byId = new Map(definition.steps.map((s) => [s.id, s]));
  const problems = structureProblems(definition, byId);
  const fields = fieldsOf(definition.steps);
  const segmentRules = definition.segments?.rules ?? [];
  const segments = new Set(segmentRules.map((r) => r.segment));
  if (definition.segments?.otherwise) segments.add(definition.segments.otherwise);
  segmentRules.forEach((rule, i) => {
    if (rule.when.some((c) => c.field === 'segment'))
      problems.push(`segment rule ${i + 1} cannot depend on the segment itself`);
    else problems.push(...conditionProblems(`segment rule ${i + 1} ("${rule.segment}")`, rule.when, fields, null));
  });
  for (const step of definition.steps) {
    problems.push(...textProblems(step), ...buttonProblems(step));
    if (step.type === 'branch')
      step.rules.forEach((rule, i) =>
        problems.push(...conditionProblems(`rule ${i + 1} of branch "${step.id}"`, rule.when, fields, segments)),
      );
  }
  return problems;
}

/** Throws FunnelInvalidError (400, every problem listed) unless the definition can be walked. */
export function assertFunnelValid(definition: FunnelDefinition): void {
  const problems = funnelProblems(definition);
  if (problems.length > 0) throw new FunnelInvalidError(problems.slice(0, 20));
}

/**
 * The format of `dist/<environment>/plan.json`: the machine-readable contract between synthesis and
 * everything that applies or checks the phases (pipelines, `phased-rollout apply|verify|plan`, Argo CD promotion).
 */
import { InputError, readTextFile } from '../manifest';
import { Environment, isRelease } from '../matrix/model';
import { locatorOfText, placeOf } from '../matrix/positions';
import { printPath } from '../matrix/field-path';
import { parseWith } from '../matrix/schema-support';
import { stepsOf } from './gates';
import { PlanFileSchema } from './plan-format';
import { PLAN_FORMAT_VERSION, PlanFile, RenderedPhase } from './plan-types';
import { planRollback } from './rollback';

export { PLAN_FORMAT_VERSION } from './plan-types';
export type { PhaseGates, PlanFile, PlanPhase, PlanRelease, PlanRollbackStep, RenderedPhase } from './plan-types';

/**
 * Builds plan.json for an environment. Removals and gates are derived from what actually changes
 * between rendered phases (src/plan/gates.ts), so that they cannot disagree with the files; each
 * rollback is a sequence of the same rendered phases (src/plan/rollback.ts).
 */
export function buildPlanFile(env: Environment, phases: readonly RenderedPhase[]): PlanFile {
  const steps = stepsOf(env, phases.map((rendered) => rendered.objects), (i) => phases[i].phase.kind === 'canary');
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    environment: env.name,
    namespace: env.namespace,
    releases: env.rollouts.filter(isRelease).map((r) => ({
      service: r.service.name,
      from: r.from,
      to: r.to,
      strategy: r.canarySteps.length > 0 ? { type: 'canary' as const, steps: [...r.canarySteps] } : { type: 'blueGreen' as const },
    })),
    phases: phases.map((rendered, i) => ({
      index: i,
      name: rendered.phase.name,
      path: rendered.path,
      ...steps[i],
    })),
    rollbacks: Object.fromEntries(phases.slice(1).map((rendered, i) => [rendered.path, planRollback(env, phases, i + 1)])),
  };
}

/**
 * plan.json's text: indented JSON with each flat object (an object reference, a gate's seconds) on one
 * line. A plan lists thousands of removals and gated objects: one line per reference keeps it readable and
 * less than half the size of `JSON.stringify(plan, null, 2)`.
 */
export function formatPlanFile(plan: PlanFile): string {
  const format = (value: unknown, indent: string): string => {
    if (typeof value !== 'object' || value === null) return JSON.stringify(value);
    const inner = `${indent}  `;
    if (Array.isArray(value)) {
      return value.length === 0 ? '[]' : `[\n${inner}${value.map((item) => format(item, inner)).join(`,\n${inner}`)}\n${indent}]`;
    }
    if (isFlat(value)) return JSON.stringify(value);
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return `{\n${inner}${entries.map(([key, item]) => `${JSON.stringify(key)}: ${format(item, inner)}`).join(`,\n${inner}`)}\n${indent}}`;
  };
  return `${format(plan, '')}\n`;
}

/** Whether an object holds no objects (a reference, a gate's seconds): written on one line. Checked without building its entries: a plan has tens of thousands of references. */
function isFlat(value: object): boolean {
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null) return false;
  }
  return true;
}

/** A problem of a plan.json: the path of the field and what is wrong. */
interface PlanProblem {
  readonly segments: readonly (string | number)[];
  readonly message: string;
}

/** What the schema cannot say of a plan of the right shape: phases in order, rollbacks naming its phases, unique step names. */
function checkPlanReferences(plan: PlanFile): PlanProblem | undefined {
  const misplaced = plan.phases.findIndex((phase, i) => phase.index !== i);
  if (misplaced >= 0) return { segments: ['phases', misplaced, 'index'], message: `expected ${misplaced}` };
  const paths = plan.phases.map((phase) => phase.path);
  for (const [from, steps] of Object.entries(plan.rollbacks ?? {})) {
    if (!paths.includes(from)) return { segments: ['rollbacks', from], message: `not a phase of this plan (phases: ${paths.join(', ')})` };
    for (const [i, step] of steps.entries()) {
      // Step names label a rollback's progress in the resume record.
      if (steps.findIndex((other) => other.name === step.name) !== i) {
        return { segments: ['rollbacks', from, i, 'name'], message: `${step.name} is not unique in ${printPath(['rollbacks', from])}` };
      }
      if (!paths.includes(step.path)) {
        return { segments: ['rollbacks', from, i, 'path'], message: `expected the path of a phase of this plan (phases: ${paths.join(', ')})` };
      }
    }
  }
  return undefined;
}

/**
 * Reads and checks a plan.json file; unusable content is an InputError (exit code 2) naming the file, the
 * line and column, and the field: `plan.json:12:7: not a plan file: phases[1].gates.drain.seconds: ...`.
 */
export function readPlanFile(path: string): PlanFile {
  const text = readTextFile(path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = parseWith(PlanFileSchema, value);
  const problem = parsed.problems?.[0] ?? checkPlanReferences(parsed.data!);
  if (problem) {
    const field = printPath(problem.segments);
    throw new InputError(`${placeOf(path, locatorOfText(text), problem.segments)}: not a plan file: ${field === '' ? '' : `${field}: `}${problem.message}`);
  }
  return parsed.data!;
}

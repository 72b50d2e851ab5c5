/**
 * Reading dist/<environment>/plan.json (verify, plan, apply, rollback, promote): the schema and the checks
 * that only a plan of the right shape can have. Apart from writing it (./plan-file), so that synthesis never
 * loads the schema and the YAML position finder this needs.
 */
import { InputError, readTextFile } from '../manifest';
import { locatorOfText, placeOf } from '../matrix/positions';
import { printPath } from '../matrix/field-path';
import { parseWith } from '../matrix/schema-support';
import { PlanFileSchema } from './plan-format';
import { PlanFile } from './plan-types';

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

/** Reading a plan folder (plan.json and its phase folders) for the commands that act on a cluster. */
import { readFileSync } from 'node:fs';
import { join, relative as relativePath, sep } from 'node:path';
import { InputError, manifestFiles } from '../manifest';
import { PlanFile, PlanPhase } from '../plan/plan-file';
import { loadPhases } from '../verify';
import { PlanFileContent, planIdentity } from './record';

/** A plan folder read from disk and checked against its phase folders. */
export interface PlanDirectory {
  /** The folder, as given. */
  readonly dir: string;
  /** plan.json. */
  readonly plan: PlanFile;
  /** Identity of the plan ({@link planIdentity}). */
  readonly identity: string;
}

/** Reads DIR/plan.json and its phase folders; refuses a folder whose plan.json disagrees with its phases. */
export function readPlanDirectory(dir: string): PlanDirectory {
  const { plan } = loadPhases(dir); // reads plan.json and checks it against the folders
  if (!plan) throw new InputError(`${join(dir, 'plan.json')}: no such file (expected a synthesized environment folder, e.g. dist/production)`);
  return { dir, plan, identity: currentIdentity(dir, plan) };
}

/**
 * The identity of plan.json and the phase files of `plan` as they are in `dir` now: plan.json and every
 * manifest file of each phase folder (recursively), as apply.sh lists them with find.
 */
export function currentIdentity(dir: string, plan: PlanFile): string {
  const relative = (file: string) => relativePath(dir, file).split(sep).join('/');
  const files: PlanFileContent[] = [join(dir, 'plan.json'), ...plan.phases.flatMap((phase) => manifestFiles(join(dir, phase.path)))]
    .map((file) => ({ path: relative(file), content: readFileSync(file) }));
  return planIdentity(files);
}

/** The phase named by `nameOrPath` (`02-switch` or `switch`); a usage problem lists the valid ones. */
export function findPhase(plan: PlanFile, nameOrPath: string, option: string): PlanPhase {
  const phase = plan.phases.find((p) => p.path === nameOrPath || p.name === nameOrPath);
  if (!phase) {
    throw new PhaseNotFoundError(`${option} ${nameOrPath}: no such phase in ${plan.environment} (phases: ${plan.phases.map((p) => p.path).join(', ')})`);
  }
  return phase;
}

/** A phase option that names no phase of the plan: a usage error (exit 2). */
export class PhaseNotFoundError extends Error {
  /** Exit code of a usage error. */
  readonly exitCode = 2;
}

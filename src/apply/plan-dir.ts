/** Reading a plan folder (plan.json and its phase folders) for the commands that act on a cluster. */
import { readFileSync } from 'node:fs';
import { join, relative as relativePath, sep } from 'node:path';
import { InputError, manifestFiles } from '../manifest';
import { PlanFile, PlanPhase } from '../plan/plan-file';
import { loadPhases, PhaseManifest } from '../verify';
import { fileListing, listingIdentity, PlanFileContent } from './record';

/** A plan folder read from disk and checked against its phase folders. */
export interface PlanDirectory {
  /** The folder, as given. */
  readonly dir: string;
  /** plan.json. */
  readonly plan: PlanFile;
  /** Identity of the plan ({@link planIdentity}). */
  readonly identity: string;
  /** The files the identity was computed from, as `SHA256  PATH` lines ({@link fileListing}). */
  readonly listing: readonly string[];
  /** The phase folders as read, in plan.json's order (what the live state is compared with). */
  readonly phases: readonly PhaseManifest[];
}

/** Reads DIR/plan.json and its phase folders; refuses a folder whose plan.json disagrees with its phases. */
export function readPlanDirectory(dir: string): PlanDirectory {
  const { plan, phases } = loadPhases(dir); // reads plan.json and checks it against the folders
  if (!plan) throw new InputError(`${join(dir, 'plan.json')}: no such file (expected a synthesized environment folder, e.g. dist/production)`);
  const listing = currentListing(dir, plan);
  return { dir, plan, identity: listingIdentity(listing), listing, phases };
}

/**
 * plan.json and the phase files of `plan` as they are in `dir` now ({@link fileListing}): plan.json and
 * every manifest file of each phase folder (recursively), as apply.sh lists them with find.
 */
export function currentListing(dir: string, plan: PlanFile): string[] {
  const relative = (file: string) => relativePath(dir, file).split(sep).join('/');
  const files: PlanFileContent[] = [join(dir, 'plan.json'), ...plan.phases.flatMap((phase) => manifestFiles(join(dir, phase.path)))]
    .map((file) => ({ path: relative(file), content: readFileSync(file) }));
  return fileListing(files);
}

/** The changed paths of a listing for a message: the first five, then how many more. */
export function describeChanges(paths: readonly string[]): string {
  return paths.length <= 5 ? paths.join(', ') : `${paths.slice(0, 5).join(', ')} and ${paths.length - 5} more`;
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

/**
 * The only I/O of the verifier: turns an environment folder (`NN-name/` sub-folders of YAML, plan.json
 * optional) into phases, and refuses input it cannot use.
 */
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { apiGroup, displayPath, folderEntries, identityKey, InputError, KubeObject, listPhaseFolder, ManifestReader, ObjectRef, pathInfo, resourceName } from '../manifest';
import { fieldError } from '../model';
import { removals } from '../plan/gates';
import { PlanFile } from '../plan/plan-file';
import { readPlanFile } from '../plan/plan-reader';
import { RollbackSequence, rollbackSequences } from './rollbacks';
import { PhaseManifest } from './types';

/** An environment folder read from disk. */
export interface LoadedEnvironment {
  /** Environment name: plan.json's, else the folder's name. */
  readonly environment: string;
  /** Phases in apply order. */
  readonly phases: PhaseManifest[];
  /** Whether plan.json was present (its gates then apply). */
  readonly planned: boolean;
  /** plan.json, when present. */
  readonly plan?: PlanFile;
  /** The rollbacks of plan.json as phase sequences; empty without plan.json. */
  readonly rollbacks: readonly RollbackSequence[];
}

/** A phase folder's name: its number (apply order), a dash, its phase name. */
export const PHASE_FOLDER = /^(\d+)-(.+)$/;

/** Reads DIR: its phase folders in numeric order, and plan.json when present (checked against the folders). */
export function loadPhases(dir: string): LoadedEnvironment {
  if (!pathInfo(dir, 'no such directory').isDirectory()) throw new InputError(`${dir}: not a directory (expected an environment folder with NN-phase/ sub-folders)`);

  const folders = folderEntries(dir)
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => {
      const match = PHASE_FOLDER.exec(entry.name);
      if (!match) throw new InputError(`${join(dir, entry.name)}: not a phase folder (expected NN-name, e.g. 01-prepare)`);
      return { folder: entry.name, order: Number(match[1]), name: match[2] };
    })
    .sort((a, b) => a.order - b.order);
  if (folders.length === 0) {
    throw new InputError(`${dir}: no phase folders (expected sub-folders named NN-name, e.g. 00-baseline, 01-prepare, with YAML inside)`);
  }
  folders.forEach((f, i) => {
    if (i > 0 && folders[i - 1].order === f.order) {
      throw new InputError(`${dir}: phase folders ${folders[i - 1].folder} and ${f.folder} have the same number: their order is ambiguous`);
    }
    // Listings, shell globs and pipelines that apply `*/` in name order would apply 10-cleanup before 9-switch.
    if (i > 0 && folders[i - 1].folder > f.folder) {
      throw new InputError(`${dir}: phase folders ${folders[i - 1].folder} and ${f.folder} are in one order by number and in the other by name ` +
        `(as ls and shell globs list them): give the numbers one width, e.g. ${'0'.repeat(Math.max(0, String(f.order).length - String(folders[i - 1].order).length))}${folders[i - 1].folder}`);
    }
  });

  const root = resolve(dir);
  // Objects whose fields were found well-typed in this load: the parser shares the documents phases repeat.
  const wellTyped = new WeakSet<KubeObject>();
  // One reader for the whole environment: each phase's files are compared with the previous phase's.
  const reader = new ManifestReader();
  const loaded = folders.map(({ folder, name }) => {
    const path = join(dir, folder);
    // Absolute paths under root: each file's display name is then a slice, not a path.relative per file.
    // The files kubectl applies from the folder, and no others.
    const objects = listPhaseFolder(join(root, folder), root).flatMap(({ path: file, listedRegular }) => {
      const read = reader.readFile(file, root, listedRegular);
      for (const object of read) {
        if (wellTyped.has(object)) continue;
        const problem = fieldError(displayPath(file, root), object);
        if (problem) throw new InputError(problem);
        wellTyped.add(object);
      }
      return read;
    });
    if (objects.length === 0) throw new InputError(`${path}: no Kubernetes objects (a phase folder holds the complete desired state)`);
    return { name, path, objects };
  });

  const planPath = join(dir, 'plan.json');
  if (!existsSync(planPath)) return { environment: basename(root), phases: loaded, planned: false, rollbacks: [] };
  const plan = readPlanFile(planPath);
  checkPlanAgainstFolders(plan, loaded, planPath);
  const phases = loaded.map((phase, i) => ({ ...phase, name: plan.phases[i].name, gates: plan.phases[i].gates }));
  return { environment: plan.environment, phases, planned: true, plan, rollbacks: rollbackSequences(plan, phases) };
}

/**
 * plan.json must describe exactly the folders: same phases in the same order, same removals, also
 * between the steps of each rollback (what apply and rollback delete).
 */
function checkPlanAgainstFolders(plan: PlanFile, phases: readonly PhaseManifest[], planPath: string): void {
  const inconsistent = (detail: string) => new InputError(`${planPath} is inconsistent with the phase folders: ${detail}`);
  const folderNames = phases.map((p) => basename(p.path));
  const planNames = plan.phases.map((p) => p.path);
  if (folderNames.join('\n') !== planNames.join('\n')) {
    throw inconsistent(`plan lists [${planNames.join(', ')}], folders are [${folderNames.join(', ')}]`);
  }
  const objectsOf = (path: string) => phases[planNames.indexOf(path)].objects;
  // What the folders drop between two phases, as synthesis derives it (each pair of phases diffed once).
  const checkRemoves = (where: string, previous: readonly KubeObject[], current: readonly KubeObject[], listed: readonly ObjectRef[]) => {
    const gone = removals(previous, current);
    if (sameRefs(listed, gone)) return;
    const removes = new Set(listed.map((ref) => identityKey(ref)));
    const unlisted = gone.find((ref) => !removes.has(identityKey(ref)));
    if (unlisted) throw inconsistent(`${where} drops ${resourceName(unlisted)}, which its removes do not list`);
    if (removes.size !== new Set(gone.map((ref) => identityKey(ref))).size) {
      throw inconsistent(`${where} removes objects the previous phase does not hold or this one keeps`);
    }
  };
  const nothing: readonly KubeObject[] = [];
  plan.phases.forEach((planPhase, i) => {
    checkRemoves(planPhase.path, i === 0 ? nothing : phases[i - 1].objects, phases[i].objects, planPhase.removes ?? []);
  });
  for (const [from, steps] of Object.entries(plan.rollbacks ?? {})) {
    steps.forEach((step, i) => {
      checkRemoves(`rollback from ${from}, step ${step.name}`, i === 0 ? nothing : objectsOf(steps[i - 1].path), objectsOf(step.path), step.removes);
    });
  }
}

/**
 * Whether references name the same objects in the same order (as synthesis writes them): the common case,
 * checked field by field without building a key per reference (plans list tens of thousands).
 */
function sameRefs(refs: readonly ObjectRef[], others: readonly ObjectRef[]): boolean {
  if (refs.length !== others.length) return false;
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i];
    const other = others[i];
    if (ref.name !== other.name || ref.kind !== other.kind || ref.namespace !== other.namespace) return false;
    if (ref.apiVersion !== other.apiVersion && apiGroup(ref.apiVersion) !== apiGroup(other.apiVersion)) return false;
  }
  return true;
}

/**
 * The only I/O of the verifier: turns an environment folder (`NN-name/` sub-folders of YAML, plan.json
 * optional) into phases, and refuses input it cannot use.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { identityKey, InputError, KubeObject, manifestFiles, readManifestFile, resourceName } from '../manifest';
import { PlanFile, readPlanFile } from '../plan/plan-file';
import { Phase } from './types';

/** An environment folder read from disk. */
export interface LoadedEnvironment {
  /** Environment name: plan.json's, else the folder's name. */
  readonly environment: string;
  /** Phases in apply order. */
  readonly phases: Phase[];
  /** Whether plan.json was present (its gates then apply). */
  readonly planned: boolean;
}

const PHASE_FOLDER = /^(\d+)-(.+)$/;

/** Reads DIR: its phase folders in numeric order, and plan.json when present (checked against the folders). */
export function loadPhases(dir: string): LoadedEnvironment {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    throw new InputError(`${dir}: no such directory`);
  }
  if (!isDirectory) throw new InputError(`${dir}: not a directory (expected an environment folder with NN-phase/ sub-folders)`);

  const folders = readdirSync(dir, { withFileTypes: true })
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
  });

  const root = resolve(dir);
  const loaded = folders.map(({ folder, name }) => {
    const path = join(dir, folder);
    const objects = manifestFiles(path).flatMap((file) => readManifestFile(file, root));
    if (objects.length === 0) throw new InputError(`${path}: no Kubernetes objects (a phase folder holds the complete desired state)`);
    return { name, path, objects };
  });

  const planPath = join(dir, 'plan.json');
  if (!existsSync(planPath)) return { environment: basename(root), phases: loaded, planned: false };
  const plan = readPlanFile(planPath);
  checkPlanAgainstFolders(plan, loaded, planPath);
  return {
    environment: plan.environment,
    phases: loaded.map((phase, i) => ({ ...phase, name: plan.phases[i].name, gates: plan.phases[i].gates })),
    planned: true,
  };
}

/** plan.json must describe exactly the folders: same phases in the same order, same objects, same removals. */
function checkPlanAgainstFolders(plan: PlanFile, phases: readonly Phase[], planPath: string): void {
  const inconsistent = (detail: string) => new InputError(`${planPath} is inconsistent with the phase folders: ${detail}`);
  const folderNames = phases.map((p) => basename(p.path));
  const planNames = plan.phases.map((p) => p.path);
  if (folderNames.join('\n') !== planNames.join('\n')) {
    throw inconsistent(`plan lists [${planNames.join(', ')}], folders are [${folderNames.join(', ')}]`);
  }
  let previous = new Map<string, KubeObject>();
  plan.phases.forEach((planPhase, i) => {
    const current = new Map(phases[i].objects.map((o) => [identityKey(o), o] as const));
    const listed = new Set((planPhase.objects ?? []).map((ref) => identityKey(ref)));
    const notListed = [...current.entries()].find(([key]) => !listed.has(key));
    if (notListed) throw inconsistent(`${planPhase.path} holds ${resourceName(notListed[1])}, which the plan does not list`);
    const missing = (planPhase.objects ?? []).find((ref) => !current.has(identityKey(ref)));
    if (missing) throw inconsistent(`the plan lists ${resourceName(missing)} in ${planPhase.path}, which the folder does not hold`);
    const removes = new Set((planPhase.removes ?? []).map((ref) => identityKey(ref)));
    const gone = [...previous.entries()].filter(([key]) => !current.has(key));
    const unlisted = gone.find(([key]) => !removes.has(key));
    if (unlisted) throw inconsistent(`${planPhase.path} drops ${resourceName(unlisted[1])}, which its removes do not list`);
    if (removes.size !== gone.length) throw inconsistent(`${planPhase.path} removes objects the previous phase does not hold or this one keeps`);
    previous = current;
  });
}

/**
 * Synthesis over an environment folder that holds another plan keeps that plan (its files, under
 * `<env>/.plans/<identity>/`) and warns: a release of it may be in flight, and its rollback needs it. Synthesis
 * has no cluster: it sees only what the output folder holds, never which plan the cluster's record names.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { manifestFiles } from '../manifest';
import { fileListing, listingIdentity, PlanFileContent } from '../apply/record';
import { KEPT_PLANS_FOLDER } from '../plan/kept-plans';

/** Every file under `dir` (recursively), as paths relative to it with `/`, sorted. */
function filesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) found.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return found.sort();
}

/** The phase folders plan.json lists, or undefined when it is missing or no plan.json synthesis wrote. */
function phasePaths(planJson: string): string[] | undefined {
  try {
    const plan = JSON.parse(planJson) as { phases?: { path?: unknown }[] };
    const paths = plan.phases?.map((phase) => phase.path);
    return paths?.every((path): path is string => typeof path === 'string' && /^\d+-[^/\\]+$/.test(path)) ? paths : undefined;
  } catch {
    return undefined;
  }
}

/** The files of the plan in an environment folder on disk (plan.json and its phase files, as apply reads them), or undefined. */
function planOnDisk(dir: string): PlanFileContent[] | undefined {
  const planFile = join(dir, 'plan.json');
  if (!existsSync(planFile)) return undefined;
  const planJson = readFileSync(planFile);
  const paths = phasePaths(planJson.toString('utf8'));
  if (!paths || !paths.every((path) => existsSync(join(dir, path)))) return undefined;
  return [{ path: 'plan.json', content: planJson },
    ...paths.flatMap((path) => manifestFiles(join(dir, path)).map((file) => ({ path: relative(dir, file).split(sep).join('/'), content: readFileSync(file) })))];
}

/** The plan files of a synthesized environment: its plan.json and phase files (`NN-phase/...`). */
function planFilesOf(files: ReadonlyMap<string, string>): PlanFileContent[] {
  return [...files].filter(([path]) => path === 'plan.json' || /^\d+-[^/]+\/.+\.(ya?ml|json)$/.test(path))
    .map(([path, text]) => ({ path, content: Buffer.from(text) }));
}

/** Whether two plans have the same files (the common case, re-synthesis of the same matrix, decided without hashing). */
function samePlanFiles(a: readonly PlanFileContent[], b: readonly PlanFileContent[]): boolean {
  if (a.length !== b.length) return false;
  const byPath = new Map(b.map((file) => [file.path, file.content]));
  return a.every((file) => { const other = byPath.get(file.path); return other !== undefined && Buffer.compare(file.content, other) === 0; });
}

/** The last phase folder among the paths of a plan (`NN-phase/...`). */
function lastPhase(paths: readonly string[]): string | undefined {
  return paths.filter((p) => /^\d+-[^/]+\//.test(p)).map((p) => p.slice(0, p.indexOf('/'))).sort().pop();
}

/** The services with objects in the phase folders among `paths`: each has a file `NN-phase/<service>.k8s.yaml` (render.ts). */
function servicesOf(paths: readonly string[]): string[] {
  const names = paths.map((p) => /^\d+-[^/]+\/([^/]+)\.k8s\.yaml$/.exec(p)?.[1]).filter((n): n is string => n !== undefined && n !== '00-environment');
  return [...new Set(names)].sort();
}

/**
 * The files of one synthesized environment (`files`, relative to its folder), followed by the plans its folder
 * under `outDir` keeps: the plan it holds now when that is another one, and those it kept before (but the new
 * plan itself). `warn` is told of each replaced plan and of each service the new plan leaves running unmanaged.
 */
export function* withKeptPlans(outDir: string, environment: string, files: ReadonlyMap<string, string>,
  warn: (message: string) => void): Generator<[string, string]> {
  for (const [path, text] of files) yield [`${environment}/${path}`, text];
  const dir = join(outDir, environment);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
  const current = planFilesOf(files);
  const onDisk = planOnDisk(dir);
  const replaced = onDisk !== undefined && !samePlanFiles(current, onDisk);
  const previous = replaced ? listingIdentity(fileListing(onDisk)) : undefined;
  const keep = (from: string, to: string) => filesUnder(from).map((path): [string, string] => [`${environment}/${to}/${path}`, readFileSync(join(from, path), 'utf8')]);
  if (previous !== undefined) {
    const kept = `${KEPT_PLANS_FOLDER}/${previous}`;
    const shown = join(outDir, environment, kept);
    const old = filesUnder(dir).filter((path) => !path.startsWith(`${KEPT_PLANS_FOLDER}/`));
    yield* old.map((path): [string, string] => [`${environment}/${kept}/${path}`, readFileSync(join(dir, path), 'utf8')]);
    warn(`${join(outDir, environment)} held another plan (${previous}), now kept in ${shown}: if a release of it is in flight, `
      + `apply refuses this plan until it is finished or rolled back (phased-rollout rollback ${shown} --from PHASE). `
      + 'Synthesis cannot see the cluster: the resume record there says which plan is in flight.');
    const services = servicesOf([...files.keys()]);
    for (const service of servicesOf(old.filter((path) => path.startsWith(`${lastPhase(old)}/`)))) {
      if (services.includes(service)) continue;
      warn(`${service} ran at the end of the plan ${join(outDir, environment)} held, and this plan has none of its objects: `
        + `applying it leaves ${service} running, unmanaged; to delete it, declare it with retire: true in this environment's releases`);
    }
  }
  const keptDir = join(dir, KEPT_PLANS_FOLDER);
  if (!existsSync(keptDir)) return;
  const identity = listingIdentity(fileListing(current));
  for (const entry of readdirSync(keptDir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.isDirectory() && entry.name !== identity && entry.name !== previous) yield* keep(join(keptDir, entry.name), `${KEPT_PLANS_FOLDER}/${entry.name}`);
  }
}

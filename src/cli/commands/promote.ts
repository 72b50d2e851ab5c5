/**
 * `phased-rollout promote DIST_ENV --argocd [--app-file FILE] [--context CTX] [--dry-run] [--timeout SECONDS]`:
 * moves the environment's Argo CD Application file to the next phase once the current one holds.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { processRuntime, readPlanDirectory } from '../../apply';
import { argoCdSettingsFrom } from '../../argocd/application';
import { promote } from '../../argocd/promote';
import { environmentFolder, parseCommandArgs, UsageError } from '../errors';
import { CLUSTER_OPTIONS, clusterOptions } from './apply';

/** Runs the command and returns its exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...CLUSTER_OPTIONS, argocd: { type: 'boolean' }, 'app-file': { type: 'string' } }, true);
  const dir = environmentFolder(positionals);
  if (values.argocd !== true) throw new UsageError(`--argocd is required (Argo CD is the only promotion target)`);
  const folder = resolve(dir); // `.` inside dist/production is still the production folder
  const appFile = values['app-file'] ?? join(dirname(folder), 'argocd', `${basename(folder)}.yaml`);
  const { distPath } = argoCdSettingsFrom(process.env);
  await promote({ planDir: readPlanDirectory(dir), appFile, distPath, ...clusterOptions(values) }, processRuntime());
  return 0;
}

/**
 * Synthesis: validated matrix -> plan per environment -> rendered phase folders and plan.json,
 * plus the artifacts derived from them, written to the output folder in one swap.
 */
import { applyScriptArtifact } from '../artifacts/apply-script';
import { argoCdApplicationArtifact } from '../argocd/application';
import { planMarkdownArtifact } from '../artifacts/plan-markdown';
import { Environment, Matrix } from '../matrix/model';
import { formatPlanFile } from '../plan/plan-file';
import { rollbackTitle } from '../plan/rollback';
// The verifier's modules for objects in memory, not its index: synthesis reads no phase folder or plan.json.
import { rollbackSequences } from '../verify/rollbacks';
import type { SafetyFinding } from '../verify/types';
import { verifyEnvironment } from '../verify/verify';
import { withKeptPlans } from './kept-plans';
import { checkOutputFolder, writeTreeAtomically } from './output';

export { Artifact, EnvironmentOutput, phaseFolder, synthesizeEnvironment, synthesizeExtendedEnvironment } from './environment';
import { Artifact, EnvironmentOutput, synthesizeExtendedEnvironment } from './environment';
import { counted } from '../format';
import { RenderExtensions } from './render';

const ARTIFACTS: readonly Artifact[] = [
  applyScriptArtifact,
  planMarkdownArtifact,
  argoCdApplicationArtifact,
];

/** A finding with where it was found: the environment, or `<environment> rollback from <phase>`. */
export interface EnvironmentFinding extends SafetyFinding {
  /** The environment, or the rollback, the finding is about. */
  readonly environment: string;
}

/** A plan that the verifier rejects: nothing is written; exit code 1. */
export class UnsafePlanError extends Error {
  /** Exit code for the command line. */
  public readonly exitCode = 1;

  constructor(public readonly findings: readonly EnvironmentFinding[]) {
    super(`refusing to write an unsafe plan (${counted(findings.length, 'finding')}):\n` +
      findings.map((f) => `  ${f.environment} ${f.transition ?? f.phase}: ${f.rule}: ${f.object}: ${f.message} (fix: ${f.fix})`).join('\n'));
    this.name = 'UnsafePlanError';
  }
}

/** The verifier's findings on an environment's phases and on each of its rollbacks (the forward phases the steps apply, with the steps' gates). */
function findingsOf(output: EnvironmentOutput): EnvironmentFinding[] {
  const env = output.environment.name;
  const forward = output.phases.map((phase, i) => ({ name: phase.phase.name, path: phase.path, objects: phase.objects, gates: output.plan.phases[i].gates }));
  return verifyEnvironment(forward, rollbackSequences(output.plan, forward))
    .map((finding) => ({ environment: finding.rollback ? rollbackTitle(env, finding.rollback) : env, ...finding }));
}

/** Runs the verifier on each environment's phases and rollbacks; throws UnsafePlanError on any finding. */
export function assertSafe(outputs: readonly EnvironmentOutput[]): void {
  const findings = outputs.flatMap(findingsOf);
  if (findings.length > 0) throw new UnsafePlanError(findings);
}

/** Every output file of one environment (path relative to the output folder, content). */
function environmentFiles(output: EnvironmentOutput): [string, string][] {
  const env = output.environment.name;
  const files: [string, string][] = [];
  for (const phase of output.phases) {
    for (const file of phase.files) files.push([`${env}/${phase.path}/${file.name}`, file.yaml]);
  }
  files.push([`${env}/plan.json`, formatPlanFile(output.plan)]);
  for (const artifact of ARTIFACTS) files.push(...artifact(output));
  return files;
}

/**
 * One environment's output files once the verifier found it safe, none once any environment was unsafe
 * (its findings are added to `findings`). Only the file texts leave this function: the rendered objects
 * can be collected before the next environment is rendered.
 */
function verifiedFiles(environment: Environment, extensions: RenderExtensions, findings: EnvironmentFinding[]): [string, string][] {
  const output = synthesizeExtendedEnvironment(environment, extensions);
  for (const finding of findingsOf(output)) findings.push(finding);
  return findings.length === 0 ? environmentFiles(output) : [];
}

/**
 * Every output file of the matrix, one environment at a time, so that memory follows the largest
 * environment, not the matrix. The environments after an unsafe one are still verified (the error lists
 * every finding) but yield nothing; the generator then throws UnsafePlanError.
 */
function* synthesizedFiles(matrix: Matrix, extensions: RenderExtensions): Generator<[string, string]> {
  const findings: EnvironmentFinding[] = [];
  for (const environment of matrix.environments) yield* verifiedFiles(environment, extensions, findings);
  if (findings.length > 0) throw new UnsafePlanError(findings);
}

/** Every output file of the matrix, verified safe, without touching the disk. */
export function synthesizeFiles(matrix: Matrix, extensions: RenderExtensions = {}): Map<string, string> {
  return new Map(synthesizedFiles(matrix, extensions));
}

/**
 * Synthesizes the matrix into `outDir` and returns how many files it wrote. Files are written beside
 * `outDir` as each environment is verified, and replace its previous contents in one swap once every
 * environment is safe; on any error `outDir` stays as it was. `extensions` are what a cdk8s app adds to the objects.
 */
export function synthesize(matrix: Matrix, outDir: string, extensions: RenderExtensions = {}, warn: (message: string) => void = warnOnStderr): number {
  checkOutputFolder(outDir);
  // Told once the new tree is in place: a synthesis that fails keeps nothing and replaces nothing.
  const warnings: string[] = [];
  const written = writeTreeAtomically(outDir, keepingReplacedPlans(outDir, matrix, synthesizedFiles(matrix, extensions), (message) => warnings.push(message)));
  warnings.forEach((message) => warn(message));
  return written;
}

function warnOnStderr(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

/**
 * The synthesized files, each environment's followed by the plans its folder keeps (./kept-plans): the
 * files come environment by environment (the Argo CD Applications between them), so one is held at a time.
 */
function* keepingReplacedPlans(outDir: string, matrix: Matrix, files: Iterable<[string, string]>, warn: (message: string) => void): Generator<[string, string]> {
  const environments = new Set(matrix.environments.map((e) => e.name));
  let current: { name: string; files: Map<string, string> } | undefined;
  const flush = function* (): Generator<[string, string]> {
    if (current) yield* withKeptPlans(outDir, current.name, current.files, warn);
    current = undefined;
  };
  for (const [path, text] of files) {
    const name = path.slice(0, path.indexOf('/'));
    if (!environments.has(name)) {
      yield* flush();
      yield [path, text];
      continue;
    }
    if (current?.name !== name) {
      yield* flush();
      current = { name, files: new Map() };
    }
    current.files.set(path.slice(name.length + 1), text);
  }
  yield* flush();
}

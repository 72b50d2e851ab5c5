/**
 * `phased-rollout analyze FILES_OR_DIRS... [--analyzer NAME]... [-o json]`: istioctl-analyze-compatible
 * findings for one state. Exit code 0 without Error/Warning findings, 1 with some, 2 for unusable input.
 */
import { ANALYZERS, analyze, Finding, isProblem, unknownAnalyzers } from '../../analyze';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, loadManifests } from '../../manifest';
import { PHASE_FOLDER } from '../../verify/load';
import { outputFormat, parseCommandArgs, UsageError } from '../errors';

/** One line per finding, as istioctl prints them. */
export function formatFinding(finding: Finding): string {
  return `${finding.level} [${finding.code}] (${finding.resource}) ${finding.message}`;
}

/** The sub-folders of `path` named like phase folders (none when it is a file or cannot be listed). */
function phaseFoldersIn(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true }).filter((entry) => entry.isDirectory() && PHASE_FOLDER.test(entry.name)).map((entry) => entry.name).sort();
  } catch {
    return []; // a file, or a path that loadManifests reports
  }
}

/** Runs the command and returns its exit code. */
export function run(argv: string[]): number {
  const { values, positionals } = parseCommandArgs(argv, {
    analyzer: { type: 'string', multiple: true },
    output: { type: 'string', short: 'o' },
  }, true);
  if (positionals.length === 0) throw new UsageError(`no input files or folders`);
  const output = outputFormat(values.output);
  const analyzers = values.analyzer;
  const unknown = unknownAnalyzers(analyzers ?? []);
  if (unknown.length > 0) {
    throw new UsageError(`unknown analyzer ${unknown.map((name) => `"${name}"`).join(', ')}; valid analyzers:\n  ${Object.keys(ANALYZERS).join('\n  ')}`);
  }
  for (const path of positionals) {
    if (existsSync(join(path, 'plan.json'))) {
      throw new UsageError(`${path} is an environment folder (it holds plan.json): analyze one phase folder of it, e.g. ${join(path, '01-prepare')}`);
    }
    // A hand-written environment has no plan.json: its phase folders (NN-name) read together would be every phase as one state.
    const phases = phaseFoldersIn(path);
    if (phases.length > 1) {
      throw new UsageError(`${path} is an environment folder (it holds phase folders ${phases.slice(0, 3).join(', ')}${phases.length > 3 ? ', ...' : ''}): ` +
        `analyze one phase folder of it, e.g. ${join(path, phases[0])}`);
    }
  }
  const objects = loadManifests(positionals);
  if (objects.length === 0) throw new InputError(`no Kubernetes objects in ${positionals.join(', ')} (expected YAML or JSON manifests)`);
  const findings = analyze(objects, { analyzers });
  if (output === 'json') {
    process.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
  } else {
    process.stdout.write(findings.length === 0 ? 'No validation issues found.\n' : findings.map((finding) => `${formatFinding(finding)}\n`).join(''));
  }
  return findings.some((finding) => isProblem(finding.level)) ? 1 : 0;
}

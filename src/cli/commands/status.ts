/**
 * `phased-rollout status DIST_ENV [--context CTX] [-o json]`: which phase is live per the resume record,
 * whether the cluster holds that phase's files (the objects that differ), the live traffic split, and the
 * next command. Exit 0 in sync, 3 drifted, 4 in progress, 5 unreachable (src/apply/status.ts), 2 usage.
 */
import { ClusterSession, processRuntime, readPlanDirectory, shellQuote } from '../../apply';
import { formatDifferences } from '../../apply/live';
import { EnvironmentStatus, environmentStatus, STATUS_EXIT_CODES } from '../../apply/status';
import { environmentFolder, outputFormat, parseCommandArgs } from '../errors';

/** The report as text: a line per fact, the differences and the routes indented. */
export function formatStatus(status: EnvironmentStatus): string {
  const lines = [`${status.environment}: ${status.state} (record: ${status.recorded})`];
  if (status.error) lines.push(`  ${status.error}`);
  else if (status.differences.length === 0) lines.push(`cluster: holds ${status.phase ?? 'none of the first phase\'s objects'}`);
  else lines.push(`cluster: differs from ${status.phase ?? 'nothing applied'}:`, ...formatDifferences(status.differences, status.phase ?? 'no phase'));
  if (status.traffic.length > 0) {
    lines.push('traffic:');
    for (const { virtualService, routes } of status.traffic) {
      const split = routes.map((route) => route.map((d) => `${d.host}${d.subset ? ` ${d.subset}` : ''} ${d.weight}%`).join(', ')).join('; ');
      lines.push(`  ${virtualService}: ${split || 'no HTTP routes'}`);
    }
  }
  lines.push(`next: ${status.next}`);
  return `${lines.join('\n')}\n`;
}

/** Runs the command and returns its exit code (the state's). */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { context: { type: 'string' }, output: { type: 'string', short: 'o' } }, true);
  const dir = environmentFolder(positionals);
  const output = outputFormat(values.output);
  const planDir = readPlanDirectory(dir);
  const context = values.context === undefined ? [] : ['--context', values.context];
  const command = (verb: string) => ['phased-rollout', verb, dir, ...context].map(shellQuote).join(' ');
  const session = new ClusterSession(processRuntime(), { context: values.context });
  const status = await environmentStatus(session, planDir, { apply: command('apply'), rollback: command('rollback') });
  process.stdout.write(output === 'json' ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
  return STATUS_EXIT_CODES[status.state];
}

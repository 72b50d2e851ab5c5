/**
 * `phased-rollout simulate DIST_ENV`: replays the release under Fortio-like traffic in a simulated cluster and
 * prints the outcome per phase in Fortio's style. Exit 0 when every request got 200, 1 when some failed,
 * 2 on unusable input.
 */
import { PhaseTraffic, SCHEDULES, ScheduleKind, simulateRelease, SimulationResult, sumTraffic, TrafficCounts } from '../../simulate';
import { loadPhases } from '../../verify';
import { environmentFolder, outputFormat, parseCommandArgs, UsageError } from '../errors';
import { counted } from '../../format';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)?$/;

function positiveNumber(value: string | undefined, flag: string, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${flag} must be a positive ${integer ? 'integer' : 'number'}, not "${value}"`);
  }
  return n;
}

function durationSeconds(value: string | undefined): number {
  if (value === undefined) return 20;
  const match = DURATION.exec(value);
  if (!match) throw new UsageError(`--duration must look like 20s, 500ms, 1m or 20, not "${value}"`);
  return Number(match[1]) * (match[2] === 'ms' ? 0.001 : match[2] === 'm' ? 60 : 1);
}

/** Fortio's lines: `Code 200 : 9960 (99.6 %)`, failures with their Envoy response flag after the percentage. */
export function fortioLines(counts: TrafficCounts): string[] {
  const entries = Object.entries(counts.codes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.map(([code, n]) => {
    const [status, flag] = code.split(' ');
    const percent = counts.requests === 0 ? 0 : (100 * n) / counts.requests;
    return `Code ${status} : ${n} (${percent.toFixed(1)} %)${flag ? ` ${flag}` : ''}`;
  });
}

/** Per-phase traffic of several runs added up by phase label, in first-seen order. */
function phasesOfRuns(results: readonly SimulationResult[]): { phase: string; traffic: TrafficCounts }[] {
  const byPhase = new Map<string, PhaseTraffic[]>();
  for (const result of results) for (const p of result.phases) byPhase.set(p.phase, [...(byPhase.get(p.phase) ?? []), p]);
  return [...byPhase].map(([phase, list]) => ({ phase, traffic: sumTraffic(list) }));
}

/** Runs the command and returns its exit code. */
export function run(argv: string[]): number {
  const { values, positionals } = parseCommandArgs(argv, {
    qps: { type: 'string' }, connections: { type: 'string' }, duration: { type: 'string' }, runs: { type: 'string' },
    seed: { type: 'string' }, schedule: { type: 'string' }, output: { type: 'string', short: 'o' },
  }, true);
  const dir = environmentFolder(positionals);
  const output = outputFormat(values.output);
  const schedule = (values.schedule ?? 'random') as ScheduleKind;
  if (!SCHEDULES.includes(schedule)) throw new UsageError(`--schedule must be ${SCHEDULES.join(' or ')}, not "${values.schedule}"`);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be an integer >= 0, not "${values.seed}"`);
  const options = {
    qps: positiveNumber(values.qps, 'qps', 500, false),
    connections: positiveNumber(values.connections, 'connections', 50, true),
    durationSeconds: durationSeconds(values.duration),
    schedule,
  };
  const runs = positiveNumber(values.runs, 'runs', 1, true);

  const { environment, phases } = loadPhases(dir);
  const results = Array.from({ length: runs }, (_, i) => simulateRelease(phases, { ...options, seed: seed + i }));
  const perPhase = phasesOfRuns(results);
  const total = sumTraffic(results.map((r) => r.total));
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  const runsWithFailures = results.filter((r) => r.failed > 0).length;
  const stopped = results.flatMap((r) => (r.stopped ? [r.stopped] : []));

  if (output === 'json') {
    process.stdout.write(`${JSON.stringify({
      environment, schedule, seed, runs, qps: options.qps, connections: options.connections, durationSeconds: options.durationSeconds,
      phases: perPhase.map((p) => ({ phase: p.phase, ...p.traffic })), total, failed, runsWithFailures,
      ...(runs === 1 ? { timeline: results[0].phases.map((p) => ({ phase: p.phase, startSeconds: p.startSeconds, endSeconds: p.endSeconds })) } : {}),
      stopped,
    }, null, 2)}\n`);
  } else {
    const lines = [`${environment}: ${phases.length} phases, ${counted(runs, 'run')} (seed ${seed}${runs > 1 ? `..${seed + runs - 1}` : ''}), `
      + `${schedule} schedule, ${options.qps} qps over ${options.connections} connections, ${options.durationSeconds} s after the last phase`];
    perPhase.forEach(({ phase, traffic }) => {
      const window = runs === 1 ? results[0].phases.find((p) => p.phase === phase) : undefined;
      lines.push('', `# ${phase}${window ? ` (${window.startSeconds.toFixed(1)} s - ${window.endSeconds.toFixed(1)} s)` : ''}`, ...fortioLines(traffic));
    });
    lines.push('', '# total', ...fortioLines(total), ...stopped.map((s) => `stopped: ${s}`));
    lines.push(`All done ${total.requests} calls, ${failed} failed${runs > 1 ? ` (${runsWithFailures} of ${runs} runs with failures)` : ''}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return failed === 0 ? 0 : 1;
}

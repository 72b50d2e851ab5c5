/**
 * `phased-rollout apply DIST_ENV [--from PHASE] [--to PHASE] [--context CTX] [--dry-run] [--timeout SECONDS] [--call-timeout SECONDS] [--take-over-lock]`:
 * applies the phases of a synthesized environment in order, passing each phase's gates.
 */
import { applyPlan, DEFAULT_CALL_TIMEOUT_SECONDS, DEFAULT_PROPAGATION_TIMEOUT_SECONDS, processRuntime, readPlanDirectory, shellQuote, timeScaleFrom } from '../../apply';
import { environmentFolder, parseCommandArgs, ParsedCommandArgs, UsageError } from '../errors';

/** Options shared by the commands that act on a cluster. */
export const CLUSTER_OPTIONS = {
  context: { type: 'string' },
  'dry-run': { type: 'boolean' },
  timeout: { type: 'string' },
  'call-timeout': { type: 'string' },
} as const;

/** Options of the commands that take the environment's lock (apply, rollback). */
export const LOCK_OPTIONS = {
  'take-over-lock': { type: 'boolean' },
} as const;

/** The cluster options as given, checked. */
export interface ClusterOptions {
  /** kubectl context, when given. */
  readonly context?: string;
  /** Whether to print commands instead of running them. */
  readonly dryRun: boolean;
  /** Seconds a propagation wait may take. */
  readonly propagationTimeoutSeconds: number;
  /** Seconds a kubectl call that is not a wait may take. */
  readonly callTimeoutSeconds: number;
  /** Factor for fixed waits (PHASED_ROLLOUT_TIME_SCALE). */
  readonly timeScale: number;
  /** The options again, as arguments for a resume command. */
  readonly passThrough: readonly string[];
}

/** Checks the cluster options of parsed arguments (of any command that declares {@link CLUSTER_OPTIONS}). */
export function clusterOptions(values: ParsedCommandArgs<typeof CLUSTER_OPTIONS>['values']): ClusterOptions {
  // Digits as written, as apply.sh accepts them: no `1e2`, ` 5` or `007`.
  const wholeSeconds = (option: string, value: string | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    if (!/^[1-9][0-9]*s?$/.test(value)) throw new UsageError(`${option} ${value}: expected whole seconds > 0, e.g. 120 or 120s`);
    return Number(value.replace(/s$/, ''));
  };
  const timeout = wholeSeconds('--timeout', values.timeout, DEFAULT_PROPAGATION_TIMEOUT_SECONDS);
  const callTimeout = wholeSeconds('--call-timeout', values['call-timeout'], DEFAULT_CALL_TIMEOUT_SECONDS);
  let timeScale: number;
  try {
    timeScale = timeScaleFrom(process.env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const passThrough = [
    ...(values.context === undefined ? [] : ['--context', values.context]),
    ...(values.timeout === undefined ? [] : ['--timeout', values.timeout]),
    ...(values['call-timeout'] === undefined ? [] : ['--call-timeout', values['call-timeout']]),
  ];
  return { context: values.context, dryRun: values['dry-run'] === true, propagationTimeoutSeconds: timeout, callTimeoutSeconds: callTimeout, timeScale, passThrough };
}

/** Runs the command and returns its exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...CLUSTER_OPTIONS, ...LOCK_OPTIONS, from: { type: 'string' }, to: { type: 'string' } }, true);
  const dir = environmentFolder(positionals);
  const cluster = clusterOptions(values);
  const to = values.to === undefined ? [] : ['--to', values.to];
  await applyPlan({
    planDir: readPlanDirectory(dir),
    from: values.from,
    to: values.to,
    ...cluster,
    takeOverLock: values['take-over-lock'] === true,
    resumeCommand: (phase) => ['phased-rollout', 'apply', dir, '--from', phase, ...to, ...cluster.passThrough].map(shellQuote).join(' '),
  }, processRuntime());
  return 0;
}

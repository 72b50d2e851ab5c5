/** The real runtime of the apply engine: kubectl and istioctl from PATH, real time, stdout. */
import { ApplyRuntime } from './session';
import { onPath, processRunner } from './kubectl';

/** Environment variable that scales fixed waits (`0` in tests and rehearsals skips them). */
export const TIME_SCALE_VARIABLE = 'PHASED_ROLLOUT_TIME_SCALE';

/** The time scale set in `env`; 1 when unset. Throws on anything but a number >= 0. */
export function timeScaleFrom(env: NodeJS.ProcessEnv): number {
  const text = env[TIME_SCALE_VARIABLE];
  if (text === undefined || text === '') return 1;
  const scale = Number(text);
  if (!Number.isFinite(scale) || scale < 0) throw new RangeError(`${TIME_SCALE_VARIABLE}=${text}: expected a number >= 0 (1 waits as planned, 0 skips fixed waits)`);
  return scale;
}

/** Runs against the cluster of the current kubeconfig, printing progress on stdout. */
export function processRuntime(env: NodeJS.ProcessEnv = process.env): ApplyRuntime {
  return {
    run: processRunner(env),
    istioctlAvailable: onPath('istioctl', env),
    sleep: (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000)),
    now: () => Date.now(),
    print: (line) => process.stdout.write(`${line}\n`),
  };
}

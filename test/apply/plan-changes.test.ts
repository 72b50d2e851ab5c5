/**
 * The plan that was checked is the plan that runs: a synthesis (here: a phase file replaced) while
 * `phased-rollout apply` or apply.sh runs stops the run before the next phase, in both executors, with
 * the same message. The cluster is the stand-in of test/apply/stand-in.ts; its hook changes dist/
 * while the gate of 01-prepare waits.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { applyPlan, processRuntime, readPlanDirectory } from '../../src/apply';
import { StandInCluster, StandInSettings, synthesizedExample } from './stand-in';

/** Replaces 03-cleanup's file of coffee-shop with another plan's (a changed image tag) during 01-prepare's rollout gate. */
const synthDuringPrepare = (out: string): StandInSettings => ({
  istioStatus: true,
  hook: {
    when: 'rollout status deployment/coffee-shop-v2',
    run: `f='${out}/production/03-cleanup/coffee-shop.k8s.yaml'; sed 's/image: /image: other-/' "$f" > "$f.new" && mv "$f.new" "$f"`,
  },
});

async function viaEngine(out: string, cluster: StandInCluster, settings: StandInSettings): Promise<string | undefined> {
  try {
    await applyPlan({ planDir: readPlanDirectory(join(out, 'production')), resumeCommand: (phase) => `RESUME --from ${phase}` },
      { ...processRuntime(cluster.env(settings)), print: () => undefined, sleep: () => Promise.resolve() });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function viaScript(out: string, cluster: StandInCluster, settings: StandInSettings): string {
  const result = spawnSync('sh', [join(out, 'production', 'apply.sh')], { env: cluster.env(settings), encoding: 'utf8' });
  expect(result.status).toBe(1);
  return result.stderr;
}

const applied = (cluster: StandInCluster) => cluster.calls().map((c) => c.line).filter((l) => / -f \//.test(l)).map((l) => l.replace(/.*\//, ''));

test.each(['phased-rollout apply', 'apply.sh'])('%s stops before the next phase when dist/ changed under it, naming the file', async (executor) => {
  const out = synthesizedExample();
  const cluster = new StandInCluster();
  const settings = synthDuringPrepare(out);
  const message = executor === 'apply.sh' ? viaScript(out, cluster, settings) : await viaEngine(out, cluster, settings);
  expect(applied(cluster)).toEqual(['00-baseline', '01-prepare']);
  expect(cluster.record()).toEqual(expect.objectContaining({ completed: '01-prepare', applying: '' }));
  const resume = executor === 'apply.sh' ? `sh ${out}/production/apply.sh --from 02-switch` : 'RESUME --from 02-switch';
  expect(message).toBe([
    'production: phase 02-switch: the plan changed since this run read it (03-cleanup/coffee-shop.k8s.yaml): stopped before applying 02-switch',
    'review the plan as it is now (phased-rollout plan), then continue with: ' + resume,
    ...(executor === 'apply.sh' ? [''] : []),
  ].join('\n'));
});

test('a synthesis that changes many files: both executors name the first five and count the rest, with the same message', async () => {
  const messages: string[] = [];
  for (const executor of ['engine', 'script']) {
    const out = synthesizedExample();
    const cluster = new StandInCluster();
    const settings: StandInSettings = {
      istioStatus: true,
      hook: { when: 'rollout status deployment/coffee-shop-v2', run: `for f in '${out}'/production/0*/*.yaml; do echo '# again' >> "$f"; done` },
    };
    const message = executor === 'script' ? viaScript(out, cluster, settings) : await viaEngine(out, cluster, settings);
    messages.push(message!.split('\n')[0]);
  }
  expect(messages[0]).toBe('production: phase 02-switch: the plan changed since this run read it (00-baseline/00-environment.k8s.yaml, ' +
    '00-baseline/barista.k8s.yaml, 00-baseline/coffee-shop.k8s.yaml, 01-prepare/00-environment.k8s.yaml, 01-prepare/barista.k8s.yaml and 7 more): ' +
    'stopped before applying 02-switch');
  expect(messages[1]).toBe(messages[0]);
});

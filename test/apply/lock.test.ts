/**
 * One release at a time: `phased-rollout apply`/`rollback` and apply.sh take the environment's lock in
 * the cluster (a ConfigMap created only when absent) and release it when they end, also on failure or
 * SIGTERM; a second run refuses, naming the holder; a lock a killed run left is taken over only with
 * --take-over-lock. The cluster is the stand-in of test/apply/stand-in.ts (sh scripts acting as kubectl,
 * create-only like the API server); its hook starts the second run while the first waits at a gate.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shellQuote } from '../../src/apply';
import { executorCommands, StandInCluster, StandInSettings, synthesizedExample } from './stand-in';

const dist = synthesizedExample();
const production = join(dist, 'production');
const EXECUTORS = executorCommands(production);

function run(cluster: StandInCluster, command: readonly string[], settings: StandInSettings = {}, ...args: string[]) {
  const result = spawnSync(command[0], [...command.slice(1), ...args], { env: cluster.env({ istioStatus: true, ...settings }), encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const HOLDER = /^(phased-rollout apply|apply\.sh) on \S+ \(pid \d+\) since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

test.each([
  ['phased-rollout apply', 'apply.sh'],
  ['apply.sh', 'phased-rollout apply'],
  ['apply.sh', 'apply.sh'],
  ['phased-rollout apply', 'phased-rollout apply'],
  ['apply.sh', 'phased-rollout rollback'],
  ['phased-rollout apply', 'apply.sh --rollback'],
])('while %s runs, %s refuses (exit 1), naming the holder; the first completes and releases the lock', (first, second) => {
  const cluster = new StandInCluster();
  const out = join(cluster.state, 'second');
  const settings: StandInSettings = {
    hook: { when: 'rollout status deployment/coffee-shop-v2', run: `${EXECUTORS[second].map(shellQuote).join(' ')} >${out}.out 2>${out}.err; echo $? >${out}.rc` },
  };
  const result = run(cluster, EXECUTORS[first], settings);
  expect(result.status).toBe(0);
  expect(readFileSync(`${out}.rc`, 'utf8').trim()).toBe('1');
  const refusal = readFileSync(`${out}.err`, 'utf8');
  const [, holder] = /another run holds the lock \(ConfigMap production\/phased-rollout-production-lock\): (.*)\. Wait for it to end; if that run is gone \(killed\), take the lock over with --take-over-lock\n$/.exec(refusal) ?? [];
  expect(holder).toMatch(HOLDER);
  expect(holder.startsWith(first.replace(' --rollback', ''))).toBe(true);
  // The second run changed nothing: every folder was applied once, in order.
  const applied = cluster.calls().map((c) => c.line).filter((l) => / -f \//.test(l)).map((l) => l.replace(/.*\//, ''));
  expect(applied).toEqual(['00-baseline', '01-prepare', '02-switch', '03-cleanup']);
  expect(cluster.lock()).toBeUndefined();
});

/** A lock as a run killed with SIGKILL leaves it. */
function leaveLock(cluster: StandInCluster): string {
  const holder = 'apply.sh on gone-host (pid 4242) since 2026-12-07T22:00:00Z';
  mkdirSync(join(cluster.state, 'lock.d'));
  writeFileSync(join(cluster.state, 'lock.json'), JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'phased-rollout-production-lock' }, data: { holder } }));
  return holder;
}

test.each(['apply.sh', 'phased-rollout apply', 'apply.sh --rollback', 'phased-rollout rollback'])(
  'a lock left by a killed run stops %s until --take-over-lock takes it over', (executor) => {
    const cluster = new StandInCluster();
    // The stand-in cluster holds the phase the rollbacks start from (nothing for a first apply).
    if (executor.includes('rollback')) cluster.seed(join(production, '02-switch'));
    const holder = leaveLock(cluster);
    const refused = run(cluster, EXECUTORS[executor]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`production: another run holds the lock (ConfigMap production/phased-rollout-production-lock): ${holder}. ` +
      'Wait for it to end; if that run is gone (killed), take the lock over with --take-over-lock');
    expect(cluster.calls()).toEqual([]); // not even the record was read
    const taken = run(cluster, EXECUTORS[executor], {}, '--take-over-lock');
    expect(taken.stderr).toBe('');
    expect(taken.status).toBe(0);
    expect(taken.stdout).toContain(`production: taking over the lock held by ${holder}\n`);
    expect(cluster.lock()).toBeUndefined();
  });

test.each(['apply.sh', 'phased-rollout apply'])('%s releases the lock when a gate fails, so that the rerun needs no take-over', (executor) => {
  const cluster = new StandInCluster();
  const failed = run(cluster, EXECUTORS[executor], { fail: 'deployment/coffee-shop-v2' });
  expect(failed.status).toBe(1);
  expect(failed.stderr).toMatch(/gate rollout deployment\/coffee-shop-v2 failed/i);
  expect(cluster.lock()).toBeUndefined();
  expect(cluster.allCalls().at(-1)!.line).toBe('kubectl --request-timeout=60s delete configmap phased-rollout-production-lock -n production --ignore-not-found');
  expect(run(cluster, EXECUTORS[executor]).status).toBe(0);
});

test.each(['apply.sh', 'phased-rollout apply'])('%s releases the lock on SIGTERM (a killed run, SIGKILL, cannot: take it over then)', (executor) => {
  const cluster = new StandInCluster();
  // The executor's own pid, written before it starts (exec keeps it): kubectl may run under `timeout`.
  const pidFile = join(cluster.state, 'executor.pid');
  const command = ['sh', '-c', `echo $$ > ${pidFile}; exec ${EXECUTORS[executor].map(shellQuote).join(' ')}`];
  const result = run(cluster, command, { hook: { when: 'rollout status deployment/coffee-shop-v2', run: `kill -TERM "$(cat ${pidFile})"` } });
  expect(result.status).toBe(143);
  expect(cluster.lock()).toBeUndefined();
  expect(cluster.record()).toEqual(expect.objectContaining({ applying: '01-prepare' }));
  const applied = cluster.calls().map((c) => c.line).filter((l) => / -f \//.test(l));
  expect(applied).toHaveLength(2); // nothing after the signal
});

test('a dry run takes no lock (it changes nothing)', () => {
  const cluster = new StandInCluster();
  leaveLock(cluster);
  for (const executor of ['apply.sh', 'phased-rollout apply']) expect(run(cluster, EXECUTORS[executor], {}, '--dry-run', '--from', 'switch').status).toBe(0);
  expect(cluster.allCalls()).toEqual([]);
  expect(existsSync(join(cluster.state, 'lock.json'))).toBe(true);
});

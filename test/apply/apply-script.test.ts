/**
 * The generated `dist/<env>/apply.sh` against the same stand-in cluster as `phased-rollout apply` and,
 * with `--rollback`, `phased-rollout rollback` (test/apply/stand-in.ts): the same kubectl calls in the
 * same order, the same record (so either can resume the other), the same failure and resume
 * behaviour; and it passes shellcheck.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyPlan, processRuntime, readPlanDirectory, rollback } from '../../src/apply';
import { show, StandInCluster, synthesizedExample } from './stand-in';

const dist = synthesizedExample();
const realDist = realpathSync(dist);

function script(env: string, cluster: StandInCluster, settings: Parameters<StandInCluster['env']>[0] = {}, ...args: string[]) {
  const result = spawnSync('sh', [join(dist, env, 'apply.sh'), ...args], { env: cluster.env(settings), encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.split(dist).join('DIST') };
}

const quiet = (cluster: StandInCluster, settings: Parameters<StandInCluster['env']>[0]) =>
  ({ ...processRuntime(cluster.env(settings)), print: () => undefined, sleep: () => Promise.resolve() });

async function engine(env: string, cluster: StandInCluster, settings: Parameters<StandInCluster['env']>[0] = {}, options: { from?: string; to?: string } = {}) {
  await applyPlan({ planDir: readPlanDirectory(join(dist, env)), resumeCommand: () => '', ...options }, quiet(cluster, settings));
}

async function engineRollback(env: string, cluster: StandInCluster, settings: Parameters<StandInCluster['env']>[0] = {}, from?: string) {
  await rollback({ dir: join(dist, env), from, resumeCommand: () => '' }, quiet(cluster, settings));
}

const calls = (cluster: StandInCluster) => cluster.calls().map((c) => show({ ...c, line: c.line.split(realDist).join(dist) }, dist));

test('apply.sh passes shellcheck (POSIX sh)', () => {
  const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', join(dist, 'staging/apply.sh'), join(dist, 'production/apply.sh')], { encoding: 'utf8' });
  if (result.error) {
    throw new Error('shellcheck is not installed: install it (apt-get update && apt-get install -y shellcheck) to check the generated apply.sh');
  }
  expect(result.stdout).toBe('');
  expect(result.status).toBe(0);
});

test('the static part of apply.sh is real shell code that passes shellcheck on its own; synthesis adds only data before it', () => {
  const body = join(__dirname, '../../src/artifacts/apply-body.sh');
  const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', body], { encoding: 'utf8' });
  expect(result.stdout).toBe('');
  expect(result.status).toBe(0);
  const generated = readFileSync(join(dist, 'production/apply.sh'), 'utf8');
  expect(generated.endsWith(readFileSync(body, 'utf8'))).toBe(true);
  // Above the body: comments, `set -eu` and NAME=VALUE assignments only.
  const header = generated.slice(0, generated.length - readFileSync(body, 'utf8').length);
  const unquoted = header.replace(/'\\''/g, '').replace(/'[^']*'/g, "''");
  for (const line of unquoted.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) expect(line).toMatch(/^(set -eu|[A-Z_]+=\S*)$/);
});

test.each([
  ['production', { istioStatus: true }],
  ['staging', { istioStatus: true }],
  ['staging', {}],
])('apply.sh makes exactly the calls of phased-rollout apply (%s, %j)', async (env, settings) => {
  const [viaScript, viaEngine] = [new StandInCluster(), new StandInCluster()];
  const result = script(env, viaScript, settings);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  await engine(env, viaEngine, settings);
  expect(calls(viaScript)).toEqual(calls(viaEngine));
  expect(viaScript.calls().map((c) => c.stdin)).toEqual(viaEngine.calls().map((c) => c.stdin));
  expect(calls(viaScript).length).toBeGreaterThan(20);
  const plan = readPlanDirectory(join(dist, env));
  expect(result.stdout).toContain(`${plan.plan.phases.at(-1)!.path} reached in`);
});

test('a failing gate stops apply.sh with exit 1 and the resume command; a rerun resumes; a finished plan does nothing', () => {
  const cluster = new StandInCluster();
  const failed = script('production', cluster, { istioStatus: true, fail: 'deployment/coffee-shop-v2' }, '--context', 'prod-eu');
  expect(failed.status).toBe(1);
  expect(failed.stderr).toBe([
    'error: timed out waiting for the condition', // kubectl's own message
    'production: phase 01-prepare: gate rollout deployment/coffee-shop-v2 failed (exit 1): ' +
      'kubectl --context=prod-eu rollout status deployment/coffee-shop-v2 -n production --timeout=600s',
    'resume with: sh DIST/production/apply.sh --from 01-prepare --context prod-eu',
    '',
  ].join('\n'));
  expect(cluster.record()).toEqual(expect.objectContaining({ completed: '00-baseline', applying: '01-prepare' }));

  cluster.clearCalls();
  const resumed = script('production', cluster, { istioStatus: true });
  expect(resumed.status).toBe(0);
  expect(resumed.stdout).toContain('the cluster record shows 00-baseline completed: resuming after it');
  expect(calls(cluster)[1]).toBe('kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f DIST/production/01-prepare');

  cluster.clearCalls();
  const again = script('production', cluster, { istioStatus: true });
  expect(again.stdout).toBe('production: every phase is already applied (last: 03-cleanup); nothing to do\n');
  expect(cluster.calls()).toHaveLength(1);
});

test('phased-rollout apply and apply.sh resume each other (same plan identity and record)', async () => {
  const cluster = new StandInCluster();
  await engine('staging', cluster, {}, { to: '02-canary-10' });
  cluster.clearCalls();
  const result = script('staging', cluster);
  expect(result.stdout).toContain('the cluster record shows 02-canary-10 completed: resuming after it');
  expect(calls(cluster)[1]).toBe('kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f DIST/staging/03-canary-50');
});

test('--dry-run prints the commands and calls nothing; unknown phases and options exit 2', () => {
  const cluster = new StandInCluster();
  const dry = script('staging', cluster, {}, '--dry-run', '--from', 'canary-50', '--to', 'switch');
  expect(dry.status).toBe(0);
  expect(cluster.calls()).toEqual([]);
  expect(dry.stdout).toContain('# phase 03-canary-50 (4/6)');
  expect(dry.stdout).toContain('sleep 60');
  expect(dry.stdout).not.toContain('05-cleanup');
  expect(script('staging', cluster, {}, '--from', 'canary-7').status).toBe(2);
  expect(script('staging', cluster, {}, '--bogus').status).toBe(2);
  expect(cluster.calls()).toEqual([]);
});

test('a dry run of apply.sh that cannot read the resume record says how to preview without a cluster', () => {
  const cluster = new StandInCluster();
  const dry = script('staging', cluster, { fail: 'get configmap' }, '--dry-run');
  expect(dry.status).toBe(1);
  expect(dry.stderr).toContain('staging: cannot read the resume record (kubectl get configmap phased-rollout-staging -n staging) (to preview without a cluster, pass --from PHASE)');
  expect(script('staging', cluster, { fail: 'get configmap' }).stderr).not.toContain('to preview');
  // A rollback reads the record even with --from (to resume one stopped part-way): no such advice there.
  const rollbackDry = script('staging', cluster, { fail: 'get configmap' }, '--rollback', '--from', 'switch', '--dry-run');
  expect(rollbackDry.stderr).toContain('staging: cannot read the resume record (kubectl get configmap phased-rollout-staging -n staging)\n');
});

test.each([
  ['production', '02-switch', { istioStatus: true }],
  ['production', '03-cleanup', { istioStatus: true }],
  ['staging', '02-canary-10', {}],
  ['staging', '05-cleanup', { istioStatus: true }],
])('apply.sh --rollback makes exactly the calls of phased-rollout rollback (%s from the recorded %s, %j)', async (env, from, settings) => {
  const [viaScript, viaEngine] = [new StandInCluster(), new StandInCluster()];
  for (const cluster of [viaScript, viaEngine]) {
    await engine(env, cluster, settings, { to: from });
    cluster.clearCalls();
  }
  const result = script(env, viaScript, settings, '--rollback');
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  await engineRollback(env, viaEngine, settings);
  expect(calls(viaScript)).toEqual(calls(viaEngine));
  expect(viaScript.calls().map((c) => c.stdin)).toEqual(viaEngine.calls().map((c) => c.stdin));
  expect(calls(viaScript).filter((c) => c.includes(' apply ') && !c.includes('-f -'))).toContain(`kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f DIST/${env}/00-baseline`);
  expect(result.stdout).toContain(`${env} rollback from ${from}: remove-new reached in`);
});

test('apply.sh --rollback and phased-rollout rollback resume each other; --to is refused; a dry run calls only the record', async () => {
  const cluster = new StandInCluster();
  cluster.seed(join(dist, 'production/02-switch')); // the stand-in cluster holds the phase --from names
  const failed = script('production', cluster, { istioStatus: true, fail: 'production/00-baseline' }, '--rollback', '--from', 'switch', '--context', 'prod-eu');
  expect(failed.status).toBe(1);
  expect(failed.stderr).toContain('production rollback from 02-switch: step remove-new: apply 00-baseline failed (exit 1)');
  expect(failed.stderr).toContain('resume with: sh DIST/production/apply.sh --rollback --from 02-switch --context prod-eu');
  expect(cluster.record()).toEqual(expect.objectContaining({ completed: 'revert-traffic', applying: '' }));
  cluster.clearCalls();
  await engineRollback('production', cluster, { istioStatus: true });
  expect(calls(cluster).filter((c) => !c.startsWith('kubectl --request-timeout=60s get') && !c.includes('-f -'))).toEqual([
    'kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f DIST/production/00-baseline',
    'kubectl --request-timeout=60s delete deployment.apps/coffee-shop-v2 -n production --ignore-not-found',
    'kubectl --request-timeout=60s delete poddisruptionbudget.policy/coffee-shop-v2 -n production --ignore-not-found',
    'kubectl wait --for=condition=Reconciled destinationrule.networking.istio.io/coffee-shop -n production --timeout=120s',
  ]);
  cluster.clearCalls();
  expect(script('production', cluster, {}, '--rollback').stdout).toContain('production rollback from 02-switch: every step is already applied (last: remove-new); nothing to do');

  expect(script('production', cluster, {}, '--rollback', '--to', 'switch').status).toBe(2);
  const fresh = new StandInCluster();
  const dry = script('staging', fresh, {}, '--rollback', '--from', '04-switch', '--dry-run');
  expect(dry.status).toBe(0);
  expect(fresh.calls().map((c) => c.line)).toEqual([expect.stringMatching(/^kubectl --request-timeout=60s get configmap phased-rollout-staging /)]);
  expect(dry.stdout).toContain('# step revert-traffic (2/3): 01-prepare');
  expect(dry.stdout).toContain('kubectl --request-timeout=60s delete deployment.apps/coffee-shop-v3 -n staging --ignore-not-found');
});

/** `phased-rollout ARGS` (the executable, as a pipeline runs it) against the stand-in cluster. */
function cli(cluster: StandInCluster, env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = spawnSync(process.execPath, [join(__dirname, '../../bin/phased-rollout'), ...args], { env: { ...cluster.env(), ...env }, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test.each<[string, string[], NodeJS.ProcessEnv, RegExp]>([
  ['an empty --to', ['--to', ''], {}, /--to : no such phase in production \(phases: /],
  ['an empty --from', ['--from', ''], {}, /--from : no such phase in production \(phases: /],
  ['--timeout 0', ['--timeout', '0'], {}, /--timeout 0: expected whole seconds > 0, e.g. 120 or 120s/],
  ['--timeout 007', ['--timeout', '007'], {}, /--timeout 007: expected whole seconds > 0/],
  ['--timeout 1e2', ['--timeout', '1e2'], {}, /--timeout 1e2: expected whole seconds > 0/],
  ['--call-timeout 0', ['--call-timeout', '0'], {}, /--call-timeout 0: expected whole seconds > 0, e.g. 120 or 120s/],
  ['a time scale that is not a number', [], { PHASED_ROLLOUT_TIME_SCALE: 'abc' }, /PHASED_ROLLOUT_TIME_SCALE=abc: expected a number >= 0/],
  ['a negative time scale', [], { PHASED_ROLLOUT_TIME_SCALE: '-1' }, /PHASED_ROLLOUT_TIME_SCALE=-1: expected a number >= 0/],
])('apply.sh refuses what phased-rollout apply refuses: %s (exit 2, no kubectl call)', (_name, args, env, message) => {
  for (const run of [
    (cluster: StandInCluster) => {
      const result = spawnSync('sh', [join(dist, 'production', 'apply.sh'), ...args], { env: { ...cluster.env(), ...env }, encoding: 'utf8' });
      return { status: result.status, stderr: result.stderr };
    },
    (cluster: StandInCluster) => cli(cluster, env, 'apply', join(dist, 'production'), ...args),
  ]) {
    const cluster = new StandInCluster();
    const result = run(cluster);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 2, stderr: expect.stringMatching(message) });
    expect(cluster.calls()).toEqual([]);
  }
});

test('a dry run of apply.sh prints what phased-rollout apply --dry-run prints, a context with a space quoted', () => {
  const cluster = new StandInCluster();
  for (const args of [['--from', 'prepare', '--to', 'switch', '--context', 'my ctx'], ['--from=01-prepare', '--context=my ctx', '--timeout=60s']]) {
    const viaScript = script('production', cluster, {}, '--dry-run', ...args);
    const viaCli = cli(cluster, {}, 'apply', join(realDist, 'production'), '--dry-run', ...args);
    expect(viaScript.status).toBe(0);
    expect(viaScript.stdout).toBe(viaCli.stdout);
    expect(viaScript.stdout).toContain("kubectl '--context=my ctx' --request-timeout=60s apply --server-side --field-manager=phased-rollout -f ");
    expect(viaScript.stdout).toContain("-f - <<'EOF'\n");
  }
  expect(cluster.calls()).toEqual([]);
});

test('apply.sh quotes the resume command it prints, as phased-rollout apply does', () => {
  const cluster = new StandInCluster();
  const failed = script('production', cluster, { fail: 'deployment/coffee-shop-v2' }, '--context', 'ctx with space', '--to', 'prepare');
  expect(failed.status).toBe(1);
  expect(failed.stderr).toContain("kubectl '--context=ctx with space' rollout status deployment/coffee-shop-v2 -n production --timeout=600s\n");
  expect(failed.stderr).toContain("resume with: sh DIST/production/apply.sh --from 01-prepare --context 'ctx with space' --to prepare\n");
});

test('rollback --from naming no phase is a usage error before the record is read, in both tools (exit 2, no kubectl call)', () => {
  const cluster = new StandInCluster();
  // The record cannot be read (no cluster): the mistyped phase is still what is reported.
  const viaScript = script('production', cluster, { fail: 'get configmap' }, '--rollback', '--dry-run', '--from', 'nope');
  const viaCli = cli(cluster, { STANDIN_FAIL: 'get configmap' }, 'rollback', join(dist, 'production'), '--dry-run', '--from', 'nope');
  expect({ status: viaScript.status, stderr: viaScript.stderr }).toEqual({ status: 2, stderr: expect.stringContaining('--from nope: no such phase in production') });
  expect({ status: viaCli.status, stderr: viaCli.stderr }).toEqual({ status: 2, stderr: expect.stringContaining('--from nope: no such phase in production') });
  expect(cluster.calls()).toEqual([]);
});

describe('the plan identity, computed from the files at run time by both executors', () => {
  /** A fresh copy of the example, so that editing it leaves the other tests' plan alone. */
  const fresh = () => synthesizedExample();
  const runScript = (out: string, cluster: StandInCluster, ...args: string[]) => {
    const result = spawnSync('sh', [join(out, 'production', 'apply.sh'), ...args], { env: cluster.env({ istioStatus: true }), encoding: 'utf8' });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const runEngine = async (out: string, cluster: StandInCluster, options: { from?: string; to?: string } = {}) => {
    try {
      await applyPlan({ planDir: readPlanDirectory(join(out, 'production')), resumeCommand: () => '', ...options }, quiet(cluster, { istioStatus: true }));
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
  /** What follows `TITLE: ` (apply.sh) or the whole message (phased-rollout: the command prints its own prefix). */
  const body = (stderr: string) => stderr.trim().replace(/^production: /, '');

  test('is the same in apply.sh and phased-rollout apply, also after a phase file was edited', async () => {
    const out = fresh();
    const [viaScript, viaEngine] = [new StandInCluster(), new StandInCluster()];
    expect(runScript(out, viaScript, '--to', 'prepare').status).toBe(0);
    expect(await runEngine(out, viaEngine, { to: '01-prepare' })).toBeUndefined();
    expect(viaScript.record()!.plan).toMatch(/^files-sha256-[0-9a-f]{20}$/);
    expect(viaScript.record()!.plan).toBe(viaEngine.record()!.plan);
    expect(viaScript.record()!.plan).toBe(readPlanDirectory(join(out, 'production')).identity);

    const file = join(out, 'production/02-switch/coffee-shop.k8s.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('weight: 100', 'weight: 100 # edited'));
    const edited = readPlanDirectory(join(out, 'production')).identity;
    expect(edited).not.toBe(viaScript.record()!.plan);
    // Both refuse the edited plan against the record of the unfinished original, with the same message.
    const refusal = `the cluster record shows another plan (${viaScript.record()!.plan}) that stopped after 01-prepare: ` +
      'finish or roll back that plan first, or pass --from PHASE to start this one anyway';
    for (const [a, b] of [[viaScript, viaEngine], [viaEngine, viaScript]]) {
      const script = runScript(out, a);
      expect({ status: script.status, message: body(script.stderr) }).toEqual({ status: 1, message: refusal });
      expect(await runEngine(out, b)).toBe(refusal);
    }
    // Both accept it with --from and record the same new identity.
    expect(runScript(out, viaScript, '--from', 'switch').status).toBe(0);
    expect(await runEngine(out, viaEngine, { from: 'switch' })).toBeUndefined();
    expect([viaScript.record()!.plan, viaEngine.record()!.plan]).toEqual([edited, edited]);
  });

  test('the record of an unfinished run written with an earlier identity says how to continue, in both executors', async () => {
    const out = fresh();
    const cluster = new StandInCluster();
    expect(await runEngine(out, cluster, { to: '01-prepare' })).toBeUndefined();
    const record = join(cluster.state, 'record.json');
    writeFileSync(record, readFileSync(record, 'utf8').replace(/"plan":"[^"]*"/, '"plan":"sha256-454264411912ca478a2c"'));
    const message = 'the cluster record (plan sha256-454264411912ca478a2c) was written by an earlier phased-rollout, which computed plan identities ' +
      'differently, and shows a run that stopped after 01-prepare: if that run was this plan, continue it with --from 02-switch; otherwise finish or roll back that plan first';
    const script = runScript(out, cluster);
    expect({ status: script.status, message: body(script.stderr) }).toEqual({ status: 1, message });
    expect(await runEngine(out, cluster)).toBe(message);
    expect(runScript(out, cluster, '--from', '02-switch').status).toBe(0);
  });

  test('apply.sh computes it with shasum when sha256sum is missing', () => {
    const out = fresh();
    const cluster = new StandInCluster();
    const bin = join(cluster.bin, '..', 'no-sha256sum');
    mkdirSync(bin);
    // A PATH with the tools apply.sh uses, shasum standing in for a system without sha256sum (shasum is Perl; use it when present).
    const shasum = spawnSync('sh', ['-c', 'command -v shasum'], { encoding: 'utf8' }).stdout.trim();
    if (shasum === '') return;
    for (const tool of ['sh', 'cat', 'sed', 'awk', 'date', 'find', 'sort', 'uniq', 'wc', 'head', 'dirname', 'sleep', 'perl', 'basename', 'shasum', 'uname', 'mkdir', 'rm', 'rmdir']) {
      const path = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      if (path) symlinkSync(path, join(bin, tool));
    }
    const result = spawnSync(join(bin, 'sh'), [join(out, 'production', 'apply.sh'), '--to', 'baseline'],
      { env: { ...cluster.env({ istioStatus: true }), PATH: `${cluster.bin}:${bin}` }, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(cluster.record()!.plan).toBe(readPlanDirectory(join(out, 'production')).identity);
  });
});

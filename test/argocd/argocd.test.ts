/**
 * Argo CD: the synthesized Application objects validate against the Application CRD's schema
 * (argo-cd 3.5.1, /work/shared/schemas), follow the environment variables, and `phased-rollout
 * promote --argocd` moves the Application file one phase on only when the live Application is Synced
 * and Healthy at the current phase and its gates hold (against the stand-in cluster of test/apply).
 */
import Ajv from 'ajv';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { argoCdApplication, argoCdSettingsFrom, ARGOCD_DEFAULTS } from '../../src/argocd/application';
import { processRuntime, readPlanDirectory } from '../../src/apply';
import { promote as promoteWith } from '../../src/argocd/promote';
import { run } from '../../src/cli/commands/promote';
import { hideDist, show, StandInCluster, synthesizedExample } from '../apply/stand-in';
import { captureStdout, CommandOutcome, runLikeMain } from '../command';

// The module object itself (a default import of a CommonJS module is not a copy), so that a spy on it is what src/argocd/promote.ts calls.
import fs from 'node:fs';

const CRD = '/work/shared/schemas/argo-cd-3.5.1/application-crd.yaml';
const crd = parseAllDocuments(readFileSync(CRD, 'utf8')).map((d) => d.toJS()).find((d) => d?.kind === 'CustomResourceDefinition');
const schema = crd.spec.versions.find((v: { name: string }) => v.name === 'v1alpha1').schema.openAPIV3Schema;
// Kubernetes' structural-schema extensions (x-kubernetes-*) and formats (int64) are not JSON Schema's: not strict, formats not checked.
const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);

const dist = synthesizedExample();

describe('Application objects', () => {
  test.each(['production', 'staging'])('dist/argocd/%s.yaml validates against the Application CRD schema', (env) => {
    const app = parse(readFileSync(join(dist, 'argocd', `${env}.yaml`), 'utf8'));
    expect(validate(app)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    expect(app.spec.source.path).toBe(`dist/${env}/00-baseline`);
    expect(app.spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true }, syncOptions: ['PruneLast=true', 'ServerSideApply=true'] });
    expect(app.spec.destination.namespace).toBe(env);
  });

  test('the schema check can fail: a malformed Application is rejected', () => {
    const app: any = argoCdApplication('production', 'production', '00-baseline', ARGOCD_DEFAULTS);
    app.spec.syncPolicy.automated.prune = 'yes';
    app.spec.source.directory.recurse = 1;
    expect(validate(app)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath)).toEqual(['/spec/source/directory/recurse', '/spec/syncPolicy/automated/prune']);
  });

  test('repoURL, revision, project, namespace and dist path come from environment variables', () => {
    const settings = argoCdSettingsFrom({
      PHASED_ROLLOUT_ARGOCD_REPO_URL: 'https://git.example.com/shop/deploy.git', PHASED_ROLLOUT_ARGOCD_REVISION: 'main',
      PHASED_ROLLOUT_ARGOCD_PROJECT: 'shop', PHASED_ROLLOUT_ARGOCD_NAMESPACE: 'gitops', PHASED_ROLLOUT_ARGOCD_DIST_PATH: 'deploy/dist/',
    });
    const app: any = argoCdApplication('staging', 'staging', '00-baseline', settings);
    expect(validate(app)).toBe(true);
    expect(app.metadata.namespace).toBe('gitops');
    expect(app.spec.project).toBe('shop');
    expect(app.spec.source).toEqual({ repoURL: 'https://git.example.com/shop/deploy.git', targetRevision: 'main', path: 'deploy/dist/staging/00-baseline', directory: { recurse: false } });
    expect(argoCdSettingsFrom({})).toEqual(ARGOCD_DEFAULTS);
  });
});

describe('phased-rollout promote --argocd', () => {
  const production = join(dist, 'production');
  const appFile = join(dist, 'argocd', 'production.yaml');
  const original = readFileSync(appFile, 'utf8');
  const savedEnv = process.env;
  let cluster: StandInCluster;
  const stdout = captureStdout();

  beforeEach(() => {
    writeFileSync(appFile, original);
    cluster = new StandInCluster();
    cluster.seed(join(production, '00-baseline')); // the stand-in cluster holds the phase Argo CD synced
  });
  afterEach(() => {
    process.env = savedEnv;
  });

  async function promote(settings: Parameters<StandInCluster['env']>[0], ...extra: string[]): Promise<CommandOutcome> {
    process.env = cluster.env(settings);
    return hideDist(await runLikeMain(run, [production, '--argocd', ...extra]), dist);
  }
  const path = () => parse(readFileSync(appFile, 'utf8')).spec.source.path;

  test('Synced and Healthy at the current phase and its gates hold: the file moves to the next phase', async () => {
    expect(await promote({ application: 'dist/production/00-baseline|Synced|Healthy', istioStatus: true })).toEqual({ code: 0 });
    expect(path()).toBe('dist/production/01-prepare');
    const calls = cluster.calls().map((c) => show(c, dist));
    expect(calls[0]).toBe('kubectl --request-timeout=60s get application phased-rollout-production -n argocd -o jsonpath={.spec.source.path}|{.status.sync.status}|{.status.health.status}');
    expect(calls).toContain('kubectl rollout status deployment/coffee-shop-v1 -n production --timeout=600s');
    expect(calls).toContain('kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/coffee-shop -n production --timeout=120s');
    expect(calls.some((c) => c.includes(' apply '))).toBe(false); // GitOps: the cluster is changed by Argo CD only
    expect(stdout()).toContain('promoted dist/production/00-baseline -> dist/production/01-prepare');
    expect(readFileSync(appFile, 'utf8')).toBe(original.replace('path: dist/production/00-baseline', 'path: dist/production/01-prepare'));
  });

  test('a cluster that drifted from the synced phase is not promoted: the objects that differ (exit 1), the file unchanged', async () => {
    cluster.edit('Deployment', 'production', 'coffee-shop-v1', (d) => { d.spec.replicas = 1; });
    const result = await promote({ application: 'dist/production/00-baseline|Synced|Healthy', istioStatus: true });
    expect(result.code).toBe(1);
    expect(result.error!.split('\n')[0]).toBe('phased-rollout-production: promote to 01-prepare: the live objects match neither 00-baseline (applied before) nor 01-prepare: stopped before applying 01-prepare');
    expect(result.error).toContain('  Deployment production/coffee-shop-v1: spec.replicas: live 1, 00-baseline 3');
    expect(path()).toBe('dist/production/00-baseline');
  });

  test('refuses to skip a phase: the live Application must sync the path the file names', async () => {
    writeFileSync(appFile, original.replace('00-baseline', '01-prepare'));
    const result = await promote({ application: 'dist/production/00-baseline|Synced|Healthy' });
    expect(result.code).toBe(1);
    expect(result.error).toContain('the live Application syncs dist/production/00-baseline but DIST/argocd/production.yaml says dist/production/01-prepare');
    expect(result.error).toContain('never skips one');
    expect(path()).toBe('dist/production/01-prepare');
  });

  test('not Synced and Healthy, or a failing gate: exit 1 and the file is unchanged', async () => {
    const outOfSync = await promote({ application: 'dist/production/00-baseline|OutOfSync|Progressing' });
    expect(outOfSync).toEqual({ code: 1, error: 'phased-rollout-production: 00-baseline is not Synced and Healthy yet (sync: OutOfSync, health: Progressing); try again when it is' });
    const gate = await promote({ application: 'dist/production/00-baseline|Synced|Healthy', fail: 'deployment/coffee-shop-v1' });
    expect(gate.code).toBe(1);
    expect(gate.error).toContain('phase 00-baseline is not ready to promote: gate rollout Deployment/coffee-shop-v1 failed');
    expect(path()).toBe('dist/production/00-baseline');
  });

  test('--dry-run changes no file; --argocd is required', async () => {
    expect(await promote({ application: 'dist/production/00-baseline|Synced|Healthy' }, '--dry-run')).toEqual({ code: 0 });
    expect(path()).toBe('dist/production/00-baseline');
    process.env = cluster.env();
    await expect(run([production])).rejects.toThrow('--argocd is required');
  });

  test('at the last phase the same checks say whether the release is complete; the file stays', async () => {
    writeFileSync(appFile, original.replace('00-baseline', '03-cleanup'));
    const degraded = await promote({ application: 'dist/production/02-switch|OutOfSync|Degraded' });
    expect(degraded.code).toBe(1);
    expect(degraded.error).toContain('the live Application syncs dist/production/02-switch but DIST/argocd/production.yaml says dist/production/03-cleanup');
    expect(await promote({ application: 'dist/production/03-cleanup|Synced|Healthy', istioStatus: true })).toEqual({ code: 0 });
    expect(stdout()).toContain('phased-rollout-production: 03-cleanup, the last phase, is Synced and Healthy and its gates hold: the release is complete');
    expect(cluster.calls().map((c) => show(c, dist))).toContain('kubectl wait --for=condition=Reconciled destinationrule.networking.istio.io/coffee-shop -n production --timeout=120s');
    expect(path()).toBe('dist/production/03-cleanup');
  });

  test.each([
    ['outside the repository', '../../production/01-prepare'],
    ['another folder of the same name', 'elsewhere/production/01-prepare'],
    ['a dot segment', './dist/production/01-prepare'],
    ['absolute', '/dist/production/01-prepare'],
  ])('a path %s is not a phase folder of the environment (exit 2, no cluster call)', async (_name, given) => {
    writeFileSync(appFile, original.replace('path: dist/production/00-baseline', `path: ${given}`));
    const result = await promote({ application: `${given}|Synced|Healthy` });
    expect(result).toEqual({ code: 2, error: expect.stringContaining(`spec.source.path ${given} is not a phase folder of production: expected dist/production/ and one of 00-baseline,`) });
    expect(cluster.calls()).toEqual([]);
  });

  test('an Application file that cannot be written is refused before any wait (exit 2)', async () => {
    // Permission bits do not stop root, which runs these tests in CI: the access check itself stands in for them.
    const denied = jest.spyOn(fs, 'accessSync').mockImplementation(() => {
      throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
    });
    try {
      const result = await promote({ application: 'dist/production/00-baseline|Synced|Healthy' });
      expect(result).toEqual({ code: 2, error: expect.stringMatching(/argocd\/production\.yaml: cannot write: EACCES$/) });
      expect(cluster.calls()).toEqual([]);
    } finally {
      denied.mockRestore();
    }
    expect(path()).toBe('dist/production/00-baseline');
  });

  test('the environment folder given as `.` finds its Application file beside it', async () => {
    process.env = cluster.env({ application: 'dist/production/00-baseline|Synced|Healthy', istioStatus: true });
    const cwd = process.cwd();
    process.chdir(production);
    try {
      expect(await runLikeMain(run, ['.', '--argocd'])).toEqual({ code: 0 });
    } finally {
      process.chdir(cwd);
    }
    expect(path()).toBe('dist/production/01-prepare');
  });

  test('an edit to the file while the gates are checked is not overwritten (exit 1)', async () => {
    const edited = original.replace('targetRevision: HEAD', 'targetRevision: main');
    const stand = cluster.env({ application: 'dist/production/00-baseline|Synced|Healthy' });
    process.env = stand;
    const realRun = processRuntime(stand).run;
    const runtime = { ...processRuntime(stand), print: () => undefined, sleep: () => Promise.resolve(),
      run: async (program: string, args: readonly string[]) => {
        if (args.includes('rollout')) writeFileSync(appFile, edited); // someone commits meanwhile
        return realRun(program, args);
      } };
    await expect(promoteWith({ planDir: readPlanDirectory(production), appFile, distPath: 'dist', dryRun: false }, runtime))
      .rejects.toThrow('changed while the gates were checked; nothing was written: run promote again');
    expect(readFileSync(appFile, 'utf8')).toBe(edited);
  });
});

/**
 * The PhasedRollout construct inside a user's cdk8s App: hooks and the app's own objects end up in the
 * files synthesis writes, which are the files the verifier checks.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { load } from 'js-yaml';
import { PhasedRollout, PhasedRolloutProps, synthApp } from '../../src/app';
import { planIdentity } from '../../src/apply/record';
import { k8s } from '../../src/constructs/k8s';
import { exampleMatrix } from '../../src/example/matrix';
import { validateMatrix } from '../../src/matrix';
import { planEnvironment } from '../../src/plan/planner';
import { synthesizeFiles, UnsafePlanError } from '../../src/synth';
import { EnvironmentRenderer, RenderExtensions } from '../../src/synth/render';
import { baseMatrix } from '../helpers';
import { readTree } from '../tree';

const root = resolve(__dirname, '../..');
const temp = () => mkdtempSync(join(tmpdir(), 'phased-rollout-construct-'));

/** Synthesizes a PhasedRollout of `props` through `app.synth()` (as a user's app does) into a fresh folder. */
function synthInApp(props: PhasedRolloutProps, extend: (rollout: PhasedRollout) => void = () => {}): Map<string, string> {
  const outdir = join(temp(), 'dist');
  const app = new App({ outdir });
  extend(new PhasedRollout(app, 'rollout', props));
  app.synth();
  return readTree(outdir);
}

/** The documents of every YAML file of `files` under `folder` (a phase folder). */
function documentsOf(files: Map<string, string>, folder: string): any[] {
  return [...files].filter(([path]) => path.startsWith(`${folder}/`) && path.endsWith('.yaml')).flatMap(([, yaml]) => yaml.split(/^---$/m).map((d) => load(d)));
}

const phaseFolders = (files: Map<string, string>, env: string) => [...new Set([...files.keys()].filter((p) => p.startsWith(`${env}/`) && p.endsWith('.yaml')).map((p) => p.split('/').slice(0, 2).join('/')))];

describe('PhasedRollout in a cdk8s App', () => {
  test('without hooks, app.synth() writes exactly what phased-rollout synth writes', () => {
    expect(synthInApp({ matrix: exampleMatrix })).toEqual(synthesizeFiles(validateMatrix(exampleMatrix)));
  });

  test('a JSON patch on each version\'s Deployment (an annotation) is in every phase folder\'s YAML, on every Deployment', () => {
    const files = synthInApp({
      matrix: exampleMatrix,
      onVersion: (workload) => ApiObject.of(workload.deployment).addJsonPatch(JsonPatch.add('/spec/template/metadata/annotations/example.com~1team', 'cafe')),
    });
    const folders = phaseFolders(files, 'production').concat(phaseFolders(files, 'staging'));
    expect(folders.length).toBeGreaterThanOrEqual(6);
    for (const folder of folders) {
      const deployments = documentsOf(files, folder).filter((o) => o.kind === 'Deployment');
      expect(deployments.length).toBeGreaterThan(0);
      for (const deployment of deployments) expect(deployment.spec.template.metadata.annotations['example.com/team']).toBe('cafe');
    }
    // The objects are otherwise unchanged: the annotation is the only difference from the plain synthesis.
    const plain = synthesizeFiles(validateMatrix(exampleMatrix));
    expect([...files.keys()]).toEqual([...plain.keys()].sort());
    for (const [path, yaml] of files) {
      if (path.endsWith('.k8s.yaml')) expect(yaml.replace(/\n +example\.com\/team: cafe/g, '')).toBe(plain.get(path));
    }
    // The plan identity both executors compute from the written files covers the patch: `apply` resumes only the bundle it started.
    const identity = (tree: ReadonlyMap<string, string>) => planIdentity([...tree]
      .filter(([path]) => path.startsWith('production/') && (path === 'production/plan.json' || /^production\/\d\d-[^/]+\//.test(path)))
      .map(([path, content]) => ({ path: path.slice('production/'.length), content: Buffer.from(content) })));
    expect(identity(files)).toMatch(/^files-sha256-/);
    expect(identity(files)).not.toBe(identity(plain));
  });

  test('a per-phase patch that changes a routed Deployment\'s image in place fails synthesis with the verifier\'s in-place-update finding; nothing is written', () => {
    const outdir = join(temp(), 'dist');
    const app = new App({ outdir });
    new PhasedRollout(app, 'rollout', {
      matrix: baseMatrix(),
      onPhaseVersion: (workload, { service, version, phase }) => {
        // coffee-shop v1 takes all traffic in baseline and prepare: a new image in prepare is an in-place update.
        if (service.name === 'coffee-shop' && version === 'v1' && phase.name === 'prepare') {
          ApiObject.of(workload.deployment).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'sdaschner/coffee-shop:hotfix'));
        }
      },
    });
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsafePlanError);
    const findings = (error as UnsafePlanError).findings;
    expect(findings).toContainEqual(expect.objectContaining({
      environment: 'production', transition: '00-baseline -> 01-prepare', rule: 'transition/in-place-update', object: 'Deployment production/coffee-shop-v1',
    }));
    expect(existsSync(outdir) ? readTree(outdir).size : 0).toBe(0);
  });

  test('the same per-phase hook with a harmless change writes every phase, the change in each', () => {
    const files = synthInApp({
      matrix: baseMatrix(),
      onPhaseVersion: (workload, { phase }) => ApiObject.of(workload.podDisruptionBudget).addJsonPatch(JsonPatch.add('/metadata/annotations', { 'example.com/phase': phase.name })),
    });
    for (const folder of phaseFolders(files, 'production')) {
      const phase = folder.split('/')[1].slice(3);
      const budgets = documentsOf(files, folder).filter((o) => o.kind === 'PodDisruptionBudget');
      expect(budgets.map((o) => o.metadata.annotations['example.com/phase'])).toEqual(budgets.map(() => phase));
    }
  });

  test('a traffic hook\'s patch (retries on each VirtualService) is in every phase folder, on every VirtualService', () => {
    const files = synthInApp({
      matrix: exampleMatrix,
      onTraffic: (traffic) => {
        if (traffic.kind !== 'split') return;
        for (const virtualService of [traffic.construct.virtualService, traffic.construct.gatewayVirtualService]) {
          if (virtualService) ApiObject.of(virtualService).addJsonPatch(JsonPatch.add('/spec/http/0/retries', { attempts: 3, retryOn: 'connect-failure' }));
        }
      },
    });
    const virtualServices = [...phaseFolders(files, 'production'), ...phaseFolders(files, 'staging')]
      .flatMap((folder) => documentsOf(files, folder).filter((o) => o.kind === 'VirtualService'));
    expect(virtualServices.length).toBeGreaterThanOrEqual(12);
    for (const virtualService of virtualServices) expect(virtualService.spec.http[0].retries).toEqual({ attempts: 3, retryOn: 'connect-failure' });
  });

  test('a traffic hook that routes to a subset no DestinationRule defines fails synthesis with the verifier\'s finding', () => {
    const app = new App({ outdir: join(temp(), 'dist') });
    new PhasedRollout(app, 'rollout', {
      matrix: baseMatrix(),
      onTraffic: (traffic, { service }) => {
        if (traffic.kind === 'split' && service.name === 'barista') {
          ApiObject.of(traffic.construct.virtualService).addJsonPatch(JsonPatch.replace('/spec/http/0/route/0/destination/subset', 'v9'));
        }
      },
    });
    expect(() => app.synth()).toThrow(/production 00-baseline: state\/subset-undefined: VirtualService production\/barista/);
  });

  test('an object the version hook adds to the workload belongs to the version: only in the phases where the version runs', () => {
    const files = synthInApp({
      matrix: baseMatrix(),
      onVersion: (workload, { environment, service, version }) => {
        if (service.name === 'coffee-shop') {
          new k8s.KubeConfigMap(workload, 'Settings', { metadata: { name: `coffee-shop-${version}-settings`, namespace: environment.namespace }, data: { ROAST: version } });
        }
      },
    });
    const settingsIn = (folder: string) => documentsOf(files, folder).filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name);
    expect(settingsIn('production/00-baseline')).toEqual(['coffee-shop-v1-settings']);
    expect(settingsIn('production/01-prepare')).toEqual(['coffee-shop-v1-settings', 'coffee-shop-v2-settings']);
    expect(settingsIn('production/02-switch')).toEqual(['coffee-shop-v1-settings', 'coffee-shop-v2-settings']);
    expect(settingsIn('production/03-cleanup')).toEqual(['coffee-shop-v2-settings']);
  });

  test('the app\'s own objects added to an environment are in every phase folder, unchanged, after the Namespace, and in PLAN.md', () => {
    const files = synthInApp({ matrix: exampleMatrix }, (rollout) => {
      rollout.addToEnvironment('production', (scope, environment) => {
        new k8s.KubeConfigMap(scope, 'Menu', { metadata: { name: 'menu', namespace: environment.namespace }, data: { espresso: '2.50' } });
      });
    });
    const folders = phaseFolders(files, 'production');
    const environmentFiles = folders.map((folder) => files.get(`${folder}/00-environment.k8s.yaml`)!);
    for (const yaml of environmentFiles) {
      expect(yaml).toBe(environmentFiles[0]);
      expect(yaml.split(/^---$/m).map((d) => (load(d) as any).kind)).toEqual(['Namespace', 'Gateway', 'ConfigMap']);
    }
    expect(files.get('production/PLAN.md')).toContain('+ ConfigMap menu');
    // Only the environment it was added to.
    for (const folder of phaseFolders(files, 'staging')) expect(files.get(`${folder}/00-environment.k8s.yaml`)).not.toContain('ConfigMap');
  });

  test('the app\'s own objects are verified like the rest: one that duplicates a generated object fails synthesis', () => {
    const app = new App({ outdir: join(temp(), 'dist') });
    const rollout = new PhasedRollout(app, 'rollout', { matrix: baseMatrix() });
    rollout.addToEnvironment('production', (scope, environment) => {
      new k8s.KubeService(scope, 'Barista', { metadata: { name: 'barista', namespace: environment.namespace }, spec: { selector: { app: 'barista' }, ports: [{ port: 80 }] } });
    });
    expect(() => app.synth()).toThrow(/state\/duplicate-object: Service production\/barista/);
  });

  test('with every hook, rendering each distinct object once is byte-identical to rendering each phase on its own', () => {
    const annotate = (object: ApiObject, key: string, value: string) => object.addJsonPatch(JsonPatch.add(`/metadata/annotations`, { [key]: value }));
    const extensions: RenderExtensions = {
      environmentObjects: (scope, environment) => new k8s.KubeConfigMap(scope, 'Menu', { metadata: { name: 'menu', namespace: environment.namespace } }),
      onTraffic: (traffic) => annotate(traffic.kind === 'split' ? traffic.construct.virtualService : traffic.kind === 'subsets' ? traffic.construct.destinationRule : traffic.construct.service, 'example.com/kind', traffic.kind),
      onVersion: (workload, { version }) => annotate(workload.deployment, 'example.com/version', version),
      onPhaseVersion: (workload, { phase }) => annotate(workload.podDisruptionBudget, 'example.com/phase', phase.name),
    };
    let compared = 0;
    for (const environment of validateMatrix(exampleMatrix).environments) {
      const shared = new EnvironmentRenderer(environment, extensions);
      for (const phase of planEnvironment(environment)) {
        const alone = new EnvironmentRenderer(environment, extensions).renderPhase(phase);
        expect(shared.renderPhase(phase).map((f) => [f.name, f.yaml])).toEqual(alone.map((f) => [f.name, f.yaml]));
        compared += alone.length;
      }
    }
    expect(compared).toBe(30);
  });

  test('synthApp takes the same extensions as its optional third argument', () => {
    const outdir = join(temp(), 'dist');
    const status = synthApp(baseMatrix(), outdir, {
      environmentObjects: (scope, environment) => new k8s.KubeConfigMap(scope, 'Menu', { metadata: { name: 'menu', namespace: environment.namespace } }),
    });
    expect(status).toBe(0);
    expect(readTree(outdir).get('production/02-switch/00-environment.k8s.yaml')).toContain('name: menu');
  });

  test('charts of the App are refused when they would be written into the same folder, outside every phase', () => {
    const outdir = join(temp(), 'dist');
    const app = new App({ outdir });
    new PhasedRollout(new Chart(app, 'user-chart'), 'rollout', { matrix: baseMatrix() });
    expect(() => app.synth()).toThrow('[user-chart/rollout] app.synth() would also write the charts of the App (user-chart) into ' +
      `${outdir}, outside every phase and unverified: add your objects with addToEnvironment or a version hook, or give the PhasedRollout an outdir of its own`);
    expect(existsSync(outdir) ? readTree(outdir).size : 0).toBe(0);
  });

  test('inside a chart, with an outdir of its own, the phases go there and the chart to the App\'s outdir', () => {
    const [appOut, rolloutOut] = [join(temp(), 'app'), join(temp(), 'dist')];
    const app = new App({ outdir: appOut });
    const chart = new Chart(app, 'user-chart');
    new ApiObject(chart, 'quota', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'quota' } });
    new PhasedRollout(chart, 'rollout', { matrix: baseMatrix(), outdir: rolloutOut });
    app.synth();
    expect([...readTree(appOut).keys()]).toEqual(['user-chart.k8s.yaml']);
    expect(readTree(rolloutOut)).toEqual(synthesizeFiles(validateMatrix(baseMatrix())));
  });

  test('addToEnvironment names the environments of the matrix when given another one', () => {
    const rollout = new PhasedRollout(new App(), 'rollout', { matrix: exampleMatrix });
    expect(() => rollout.addToEnvironment('prod', () => {})).toThrow('rollout: addToEnvironment: "prod" is not an environment of the matrix (production, staging)');
  });

  test('cdk8s synth (the real cdk8s CLI) of a user app with the construct writes the same layout as today', () => {
    // The app uses the compiled library (npm test builds lib/ first) and this project's cdk8s, as an installed one would.
    const project = temp();
    writeFileSync(join(project, 'cdk8s.yaml'), 'language: javascript\napp: node app.js\n');
    writeFileSync(join(project, 'app.js'), `
const { App, ApiObject, JsonPatch } = require(${JSON.stringify(require.resolve('cdk8s'))});
const { PhasedRollout } = require(${JSON.stringify(join(root, 'lib/src/index.js'))});
const app = new App();
new PhasedRollout(app, 'shop', {
  matrix: require(${JSON.stringify(join(root, 'lib/src/example/matrix.js'))}).exampleMatrix,
  onVersion: (workload) => ApiObject.of(workload.deployment).addJsonPatch(JsonPatch.add('/metadata/annotations', { 'example.com/team': 'cafe' })),
});
app.synth();
`);
    execFileSync(join(root, 'node_modules/.bin/cdk8s'), ['synth', '--no-check-upgrade'], { cwd: project, stdio: 'pipe' });
    const files = readTree(join(project, 'dist'));
    expect([...files.keys()]).toEqual([...synthesizeFiles(validateMatrix(exampleMatrix)).keys()].sort());
    expect(files.get('production/01-prepare/coffee-shop.k8s.yaml')).toContain('example.com/team: cafe');
  });
});

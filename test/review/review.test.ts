/**
 * Reviewable plans: `phased-rollout plan DIST_ENV` and `dist/<env>/PLAN.md`, compared with golden files
 * (regenerate with UPDATE_GOLDEN=1 npx jest test/review after a deliberate change, and review the diff),
 * plus explicit checks of the lines a reviewer relies on.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/commands/plan';
import { exampleMatrix } from '../../src/example/matrix';
import { validateMatrix } from '../../src/matrix';
import { reviewPhases, trafficSeries } from '../../src/plan/review';
import { synthesizeFiles } from '../../src/synth';
import { writeTreeAtomically } from '../../src/synth/output';

const files = synthesizeFiles(validateMatrix(exampleMatrix));
const dist = join(mkdtempSync(join(tmpdir(), 'review-')), 'dist');
writeTreeAtomically(dist, files);

function golden(name: string, actual: string): void {
  const file = join(__dirname, 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  if (!existsSync(file)) throw new Error(`${file} is missing: create it with UPDATE_GOLDEN=1 npx jest test/review and review it`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

function plan(dir: string): { code: number; stdout: string } {
  let stdout = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
  try {
    return { code: run([dir]) as number, stdout: stdout.split(dist).join('DIST') }; // without --live, plan answers at once
  } finally {
    spy.mockRestore();
  }
}

test.each(['production', 'staging'])('phased-rollout plan %s matches its golden file', (env) => {
  const { code, stdout } = plan(join(dist, env));
  expect(code).toBe(0);
  golden(`${env}.plan.txt`, stdout);
});

test.each(['production', 'staging'])('PLAN.md of %s matches its golden file', (env) => {
  golden(`${env}.PLAN.md`, files.get(`${env}/PLAN.md`)!);
});

test('plan output: created, changed and removed objects with the changed subsets and weights, and the gates', () => {
  const { stdout } = plan(join(dist, 'staging'));
  const section = (phase: string) => stdout.split('\n\n').find((s) => s.startsWith(phase))!.split('\n');
  expect(section('01-prepare')).toEqual(expect.arrayContaining([
    '  + Deployment coffee-shop-v3',
    '  ~ DestinationRule coffee-shop: subsets +v3',
    '  gates: rollout Deployment/barista-v2, Deployment/coffee-shop-v3 (timeout 600s) -> propagation DestinationRule/barista, DestinationRule/coffee-shop (Reconciled, else at least 5s)',
  ]));
  expect(section('02-canary-10')).toEqual([
    '02-canary-10',
    '  ~ VirtualService coffee-shop: v2 100 -> v2 90, v3 10',
    '  safe: traffic moves only between subsets that the previous phase already defined, backed by ready Deployments',
    '  gates: propagation VirtualService/coffee-shop (Reconciled, else at least 5s) -> observe 60s',
  ]);
  expect(section('05-cleanup')).toEqual(expect.arrayContaining([
    '  ~ DestinationRule coffee-shop: subsets -v2',
    '  - Deployment coffee-shop-v2',
    '  safe: what is removed received no traffic in the previous phase, which waited for propagation and drain',
  ]));
  expect(stdout).toMatch(/\nverified: no phase and no transition drops a request \(phased-rollout verify DIST\/staging\)\n$/);
});

test('PLAN.md: a Mermaid xychart per service with one line per version, and the same numbers as a table', () => {
  const md = files.get('staging/PLAN.md')!;
  expect(md).toContain([
    '```mermaid',
    'xychart-beta',
    '  title "coffee-shop: % of traffic (lines: v2, v3)"',
    '  x-axis ["00-baseline", "01-prepare", "02-canary-10", "03-canary-50", "04-switch", "05-cleanup"]',
    '  y-axis "% of traffic" 0 --> 100',
    '  line [100, 100, 90, 50, 0, 0]',
    '  line [0, 0, 10, 50, 100, 100]',
    '```',
  ].join('\n'));
  expect(md).toContain('| v3 | 0 | 0 | 10 | 50 | 100 | 100 |');
  expect(md).toContain('```diff\n~ VirtualService barista: v1 100 -> v2 100\n~ VirtualService coffee-shop: v2 50, v3 50 -> v3 100\n```');
});

test('an unsafe hand-made sequence: the verifier findings replace the reasons and the exit code is 1', () => {
  const env = join(dist, 'production');
  const unsafe = join(mkdtempSync(join(tmpdir(), 'review-unsafe-')), 'production');
  // prepare and switch merged: the new Deployment receives traffic in the phase that creates it
  for (const [name, source] of [['00-baseline', '00-baseline'], ['01-switch', '02-switch']]) {
    mkdirSync(join(unsafe, name), { recursive: true });
    for (const file of ['00-environment.k8s.yaml', 'barista.k8s.yaml', 'coffee-shop.k8s.yaml']) {
      writeFileSync(join(unsafe, name, file), readFileSync(join(env, source, file)));
    }
  }
  const { code, stdout } = plan(unsafe);
  expect(code).toBe(1);
  expect(stdout).toContain('  UNSAFE: transition/new-deployment-routed: Deployment production/coffee-shop-v2');
  expect(stdout).toMatch(/\nNOT SAFE: (1 finding|\d+ findings); phased-rollout verify \S+ explains each and its fix\n$/);
});

test('traffic shares are percent of the total weight (Istio weights are relative)', () => {
  const vs = (weights: [string, number][]) => ({
    apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'shop', namespace: 'ns' },
    spec: { hosts: ['shop'], http: [{ route: weights.map(([subset, weight]) => ({ destination: { host: 'shop', subset }, weight })) }] },
  });
  const phases = [{ path: '00-a', objects: [vs([['v1', 1]])] }, { path: '01-b', objects: [vs([['v1', 3], ['v2', 1]])] }];
  expect(trafficSeries(phases)).toEqual([{ service: 'shop', shares: new Map([['v1', [100, 75]], ['v2', [0, 25]]]) }]);
  expect(reviewPhases(phases)[1].changes).toEqual([{ symbol: '~', text: 'VirtualService shop: v1 1 -> v1 3, v2 1' }]);
});

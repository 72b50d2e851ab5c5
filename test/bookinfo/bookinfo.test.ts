/**
 * The Bookinfo application of Istio's samples, released by hand-written phase folders (reviews v1 -> v3,
 * make-before-break) and checked with the compiled CLI as a new user runs it (`npm test` builds lib/ first).
 * The folders are written by ./fixtures.ts into a temporary folder.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { allV1VirtualServicesYaml, sampleDestinationRulesYaml, writeBookinfo } from './fixtures';
import { NO_PLAN_NOTE } from '../../src/cli/commands/verify';

const CLI = resolve(__dirname, '../../bin/phased-rollout');

/** The folder of the fixtures, and in it the safe environment and the folder of the unsafe variants. */
let fixtures: string;
let SAFE: string;
let UNSAFE: string;
beforeAll(() => {
  fixtures = mkdtempSync(join(tmpdir(), 'bookinfo-fixtures-'));
  ({ safe: SAFE, unsafe: UNSAFE } = writeBookinfo(fixtures));
});
afterAll(() => {
  rmSync(fixtures, { recursive: true, force: true });
});

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(...args: string[]): Run {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** What identifies a finding of `verify -o json`: its rule, where it is, and the object it names. */
interface FindingKey {
  readonly rule: string;
  readonly at: string;
  readonly object: string;
}

function verifyFindings(dir: string): { status: number | null; findings: FindingKey[] } {
  const run = cli('verify', dir, '-o', 'json');
  const report = JSON.parse(run.stdout) as { findings: { rule: string; phase: string; transition?: string; object: string }[] };
  return {
    status: run.status,
    findings: report.findings.map((f) => ({ rule: f.rule, at: f.transition ?? f.phase, object: f.object })),
  };
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'bookinfo-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A copy of the safe environment under `root/name`, phase folders renamed as `rename` says. */
function copyOfSafe(name: string, rename: Record<string, string> = {}): string {
  const dir = join(root, name);
  for (const phase of readdirSync(SAFE)) cpSync(join(SAFE, phase), join(dir, rename[phase] ?? phase), { recursive: true });
  return dir;
}

/** The path of every YAML file under `dir` (recursively), sorted. */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1)).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return entry.name.endsWith('.yaml') ? [path] : [];
  });
}

/** Rewrites every YAML file under `dir` (recursively). */
function rewriteYaml(dir: string, change: (text: string) => string): void {
  for (const path of yamlFiles(dir)) writeFileSync(path, change(readFileSync(path, 'utf8')));
}

/** The objects of a YAML file, parsed. */
function objectsIn(path: string): any[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((document) => document.toJS());
}

const ref = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, name });
const REVIEWS_DR = ref('networking.istio.io/v1', 'DestinationRule', 'reviews');

/**
 * The plan.json that synthesis would write for the safe folders (the gates of docs/plan-file.md), written
 * by hand. Its references carry no namespace, as the objects of the folders (and of Istio's files) carry none.
 */
const HAND_WRITTEN_PLAN = {
  formatVersion: 2,
  environment: 'bookinfo',
  namespace: 'default',
  releases: [{ service: 'reviews', from: 'v1', to: 'v3', strategy: { type: 'canary', steps: [50] } }],
  phases: [
    { index: 0, name: 'baseline', path: '00-baseline', removes: [], gates: {} },
    {
      index: 1, name: 'prepare', path: '01-prepare', removes: [], gates: {
        rollout: { deployments: [ref('apps/v1', 'Deployment', 'reviews-v3')], timeoutSeconds: 600 },
        propagation: { objects: [REVIEWS_DR], seconds: 5 },
      },
    },
    {
      index: 2, name: 'canary-50', path: '02-canary-50', removes: [], gates: {
        propagation: { objects: [ref('networking.istio.io/v1', 'VirtualService', 'reviews')], seconds: 5 },
      },
    },
    {
      index: 3, name: 'switch', path: '03-switch', removes: [], gates: {
        propagation: { objects: [ref('networking.istio.io/v1alpha3', 'VirtualService', 'reviews')], seconds: 5 },
        drain: { seconds: 30 },
      },
    },
    {
      index: 4, name: 'cleanup', path: '04-cleanup', removes: [ref('apps/v1', 'Deployment', 'reviews-v1')], gates: {
        propagation: { objects: [REVIEWS_DR], seconds: 5 },
      },
    },
  ],
};

function withPlan(dir: string, plan: object = HAND_WRITTEN_PLAN): string {
  writeFileSync(join(dir, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
  return dir;
}

describe('the fixtures: Bookinfo in each phase of the release', () => {
  test('each safe phase: the sample\'s files, with the reviews Deployments, subsets and route of the phase', () => {
    const phases = readdirSync(SAFE).sort().map((phase) => {
      const files = yamlFiles(join(SAFE, phase));
      const objects = files.flatMap(objectsIn);
      const reviews = (kind: string) => objects.find((o) => o.kind === kind && o.metadata.name === 'reviews');
      return {
        phase,
        files: files.map((path) => path.slice(join(SAFE, phase).length + 1)),
        kinds: [...new Set(objects.map((o) => `${o.kind}`))],
        deployments: objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name),
        reviewsSubsets: reviews('DestinationRule').spec.subsets.map((s: { name: string }) => s.name),
        reviewsRoute: reviews('VirtualService').spec.http[0].route.map((r: { destination: { subset: string }; weight?: number }) => [r.destination.subset, r.weight]),
      };
    });
    const common = ['bookinfo-gateway.yaml', 'bookinfo.yaml', 'destination-rule-all.yaml', 'virtual-service-all-v1.yaml'];
    const kinds = ['Gateway', 'VirtualService', 'Service', 'ServiceAccount', 'Deployment', 'DestinationRule'];
    const others = ['details-v1', 'ratings-v1'];
    expect(phases).toEqual([
      { phase: '00-baseline', files: common, kinds, deployments: [...others, 'reviews-v1', 'productpage-v1'], reviewsSubsets: ['v1'], reviewsRoute: [['v1', undefined]] },
      { phase: '01-prepare', files: common, kinds, deployments: [...others, 'reviews-v1', 'reviews-v3', 'productpage-v1'], reviewsSubsets: ['v1', 'v3'], reviewsRoute: [['v1', undefined]] },
      {
        phase: '02-canary-50', files: [...common, 'virtual-service-reviews-50-v3.yaml'], kinds,
        deployments: [...others, 'reviews-v1', 'reviews-v3', 'productpage-v1'], reviewsSubsets: ['v1', 'v3'], reviewsRoute: [['v1', 50], ['v3', 50]],
      },
      {
        phase: '03-switch', files: [...common, 'virtual-service-reviews-v3.yaml'], kinds,
        deployments: [...others, 'reviews-v1', 'reviews-v3', 'productpage-v1'], reviewsSubsets: ['v1', 'v3'], reviewsRoute: [['v3', undefined]],
      },
      {
        phase: '04-cleanup', files: [...common, 'virtual-service-reviews-v3.yaml'], kinds,
        deployments: [...others, 'reviews-v3', 'productpage-v1'], reviewsSubsets: ['v3'], reviewsRoute: [['v3', undefined]],
      },
    ]);
  });

  test('no object names a namespace, and each Deployment runs the image of its own version', () => {
    const objects = yamlFiles(fixtures).filter((path) => !path.includes('in-place-image-change')).flatMap(objectsIn);
    expect(objects.length).toBeGreaterThan(100);
    for (const object of objects) expect(object.metadata).not.toHaveProperty('namespace');
    for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
      const { app, version } = deployment.spec.template.metadata.labels;
      expect(deployment.spec.template.spec.containers[0].image).toBe(`docker.io/istio/examples-bookinfo-${app}-${version}:1.20.1`);
    }
  });
});

describe('the safe release of reviews v1 -> v3', () => {
  test('verify: exit 0, 0 findings, text and JSON', () => {
    expect(cli('verify', SAFE)).toEqual({ status: 0, stdout: `safe: 5 phases, 4 transitions, 0 findings\n${NO_PLAN_NOTE}\n`, stderr: '' });
    expect(JSON.parse(cli('verify', SAFE, '-o', 'json').stdout)).toEqual({ environment: 'safe', phases: 5, transitions: 4, findings: [] });
  });

  test('plan: what each phase changes, in order', () => {
    const run = cli('plan', SAFE);
    expect(run.status).toBe(0);
    // The phase headers and change lines after the baseline (whose 22 lines add every object of the phase).
    const [baseline, rest] = run.stdout.split('\n01-prepare\n');
    expect(baseline.match(/^ {2}\+ /gm)).toHaveLength(22);
    const changes = `01-prepare\n${rest}`.split('\n').filter((line) => /^\d\d-|^ {2}[+~-] |^verified/.test(line));
    expect(changes).toEqual([
      '01-prepare',
      '  + Deployment reviews-v3',
      '  ~ DestinationRule reviews: subsets +v3',
      '02-canary-50',
      '  ~ VirtualService reviews: v1 100 -> v1 50, v3 50',
      '03-switch',
      '  ~ VirtualService reviews: v1 50, v3 50 -> v3 100',
      '04-cleanup',
      '  ~ DestinationRule reviews: subsets -v1',
      '  - Deployment reviews-v1',
      'verified: no phase and no transition drops a request (phased-rollout verify ' + SAFE + ')',
    ]);
    // Without plan.json the verdict says that the gates were not checked.
    expect(run.stdout.endsWith(`${NO_PLAN_NOTE}\n`)).toBe(true);
  });

  test('the same folders with Windows line endings, a BOM, or extra --- and comments: the same verdicts', () => {
    const crlf = copyOfSafe('crlf');
    rewriteYaml(crlf, (text) => text.replace(/\n/g, '\r\n'));
    const bom = copyOfSafe('bom');
    rewriteYaml(bom, (text) => `\uFEFF${text}`);
    const commented = copyOfSafe('commented');
    rewriteYaml(commented, (text) => `# a leading comment\n---\n# a document of comments only\n--- # a separator with a comment\n${text}\n---\n---\n# trailing\n`);
    for (const dir of [crlf, bom, commented]) expect(verifyFindings(dir)).toEqual({ status: 0, findings: [] });

    // The rewritten files are read, not skipped: the same rewrite of an unsafe variant keeps its finding.
    const unsafe = join(root, 'in-place-crlf');
    cpSync(join(UNSAFE, 'in-place-image-change'), unsafe, { recursive: true });
    rewriteYaml(unsafe, (text) => `\uFEFF# c\n---\n${text.replace(/\n/g, '\r\n')}`);
    expect(verifyFindings(unsafe)).toEqual({
      status: 1,
      findings: [{ rule: 'transition/in-place-update', at: '00-baseline -> 01-upgrade', object: 'Deployment default/reviews-v1' }],
    });
  });

  test('a kustomization.yaml beside the phase folders is not a phase and is left alone', () => {
    const dir = copyOfSafe('with-kustomization');
    writeFileSync(join(dir, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- 00-baseline\n');
    expect(verifyFindings(dir)).toEqual({ status: 0, findings: [] });
  });
});

describe('each unsafe variant is refused with the rule expected', () => {
  test.each<[string, FindingKey[]]>([
    ['prepare-and-switch-merged', [
      { rule: 'transition/subset-defined-both', at: '00-baseline -> 01-switch', object: 'VirtualService reviews' },
      { rule: 'transition/new-deployment-routed', at: '00-baseline -> 01-switch', object: 'Deployment default/reviews-v3' },
    ]],
    ['cleanup-before-drain', [
      { rule: 'transition/removed-while-routed', at: '02-canary-50 -> 03-cleanup', object: 'Deployment default/reviews-v1' },
      { rule: 'transition/removed-while-routed', at: '02-canary-50 -> 03-cleanup', object: 'DestinationRule reviews' },
    ]],
    ['subset-removed-while-routed', [
      { rule: 'transition/removed-while-routed', at: '02-canary-50 -> 03-switch', object: 'DestinationRule reviews' },
    ]],
    ['in-place-image-change', [
      { rule: 'transition/in-place-update', at: '00-baseline -> 01-upgrade', object: 'Deployment default/reviews-v1' },
    ]],
  ])('%s', (variant, expected) => {
    expect(verifyFindings(join(UNSAFE, variant))).toEqual({ status: 1, findings: expected });
  });

  test('the text output says what to do: split the phase, or ship a new Deployment', () => {
    const merged = cli('verify', join(UNSAFE, 'prepare-and-switch-merged'));
    expect(merged.status).toBe(1);
    expect(merged.stdout).toContain('  fix:     split this phase: create Deployment default/reviews-v3 without traffic first (prepare), route to it in the next phase\n');
    expect(merged.stdout).toContain('  fix:     split this phase: add subset v3 to the DestinationRule first, route to it in the next phase\n');
    const inPlace = cli('verify', join(UNSAFE, 'in-place-image-change'));
    expect(inPlace.stdout).toContain('  fix:     keep this template; ship the change as a new versioned Deployment and move traffic to it through a subset\n');
    expect(inPlace.stdout).toMatch(/\nin-place-image-change: 2 phases, 1 transition, 1 finding\n$/);
  });

  test('Istio\'s two reviews VirtualService files side by side in one phase (as its tutorial applies them in turn): a duplicate', () => {
    const dir = copyOfSafe('both-files');
    writeFileSync(join(dir, '02-canary-50', 'virtual-service-all-v1.yaml'), allV1VirtualServicesYaml());
    expect(verifyFindings(dir)).toEqual({
      status: 1,
      findings: [{ rule: 'state/duplicate-object', at: '02-canary-50', object: 'VirtualService reviews' }],
    });
  });

  test('Istio\'s destination-rule-all.yaml as shipped: its subsets without pods are findings in every phase', () => {
    const dir = copyOfSafe('as-shipped-dr');
    for (const phase of readdirSync(dir)) writeFileSync(join(dir, phase, 'destination-rule-all.yaml'), sampleDestinationRulesYaml());
    const { status, findings } = verifyFindings(dir);
    expect(status).toBe(1);
    // reviews' own subsets v2 (never deployed) and v1/v3 (absent in some phases) come on top of the four of ratings and details.
    expect(findings.filter((f) => f.at === '00-baseline')).toEqual(expect.arrayContaining([
      { rule: 'state/subset-no-pods', at: '00-baseline', object: 'DestinationRule ratings' },
      { rule: 'state/subset-no-pods', at: '00-baseline', object: 'DestinationRule details' },
      { rule: 'state/subset-no-pods', at: '00-baseline', object: 'DestinationRule reviews' },
    ]));
    expect(new Set(findings.map((f) => f.rule))).toEqual(new Set(['state/subset-no-pods']));
  });
});

describe('phase folders in an order a user might get wrong', () => {
  test('cleanup numbered before the switch: refused, the removal named', () => {
    const dir = copyOfSafe('cleanup-first', { '03-switch': '04-switch', '04-cleanup': '03-cleanup' });
    expect(verifyFindings(dir)).toEqual({
      status: 1,
      findings: [
        { rule: 'transition/removed-while-routed', at: '02-canary-50 -> 03-cleanup', object: 'Deployment default/reviews-v1' },
        { rule: 'transition/removed-while-routed', at: '02-canary-50 -> 03-cleanup', object: 'DestinationRule reviews' },
      ],
    });
  });

  test('the switch numbered before the canary: the cleanup after the canary is refused', () => {
    const dir = copyOfSafe('switch-first', { '02-canary-50': '03-canary-50', '03-switch': '02-switch' });
    expect(verifyFindings(dir).findings).toEqual([
      { rule: 'transition/removed-while-routed', at: '03-canary-50 -> 04-cleanup', object: 'Deployment default/reviews-v1' },
      { rule: 'transition/removed-while-routed', at: '03-canary-50 -> 04-cleanup', object: 'DestinationRule reviews' },
    ]);
  });

  test('folders without numbers, two folders with one number, a phase folder instead of the environment: exit 2', () => {
    const unnumbered = copyOfSafe('unnumbered', { '00-baseline': 'baseline' });
    expect(cli('verify', unnumbered)).toMatchObject({ status: 2, stderr: `phased-rollout verify: ${join(unnumbered, 'baseline')}: not a phase folder (expected NN-name, e.g. 01-prepare)\n` });
    const twice = copyOfSafe('twice', { '01-prepare': '0-prepare' });
    expect(cli('verify', twice)).toMatchObject({ status: 2, stderr: expect.stringContaining('phase folders 0-prepare and 00-baseline have the same number: their order is ambiguous') });
    expect(cli('verify', join(SAFE, '03-switch'))).toMatchObject({ status: 2, stderr: expect.stringContaining('03-switch: no phase folders') });
  });

  test('phase numbers of different widths, whose order by name (ls, shell globs) is not their order by number: exit 2', () => {
    const mixed = copyOfSafe('mixed', { '00-baseline': '0-baseline', '01-prepare': '1-prepare', '02-canary-50': '2-canary-50', '03-switch': '9-switch', '04-cleanup': '10-cleanup' });
    expect(cli('verify', mixed)).toMatchObject({ status: 2, stdout: '', stderr: `phased-rollout verify: ${mixed}: phase folders 9-switch and 10-cleanup are in one ` +
      'order by number and in the other by name (as ls and shell globs list them): give the numbers one width, e.g. 09-switch\n' });
    // One width, even without leading zeros, is fine.
    expect(cli('verify', copyOfSafe('single-digit', { '00-baseline': '0-baseline', '01-prepare': '1-prepare', '02-canary-50': '2-canary-50', '03-switch': '3-switch', '04-cleanup': '4-cleanup' })).status).toBe(0);
  });
});

describe('hand-written folders and apply', () => {
  test('without plan.json apply refuses: exit 2, naming the missing file', () => {
    expect(cli('apply', SAFE, '--dry-run', '--from', '00-baseline')).toEqual({
      status: 2,
      stdout: '',
      stderr: `phased-rollout apply: ${join(SAFE, 'plan.json')}: no such file (expected a synthesized environment folder, e.g. dist/production)\n`,
    });
  });

  test('with a hand-written plan.json: verify accepts it, apply --dry-run prints each phase with its gates', () => {
    const dir = withPlan(copyOfSafe('bookinfo'));
    expect(cli('verify', dir).stdout).toBe('bookinfo: 5 phases, 4 transitions, 0 findings\n');
    const run = cli('apply', dir, '--dry-run', '--from', '00-baseline');
    expect(run.status).toBe(0);
    const commands = run.stdout.split('\n').filter((line) => /^(kubectl (--request-timeout=60s )?(apply .* -f \/|rollout|delete)|sleep)/.test(line));
    expect(commands).toEqual([
      `kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f ${join(dir, '00-baseline')}`,
      `kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f ${join(dir, '01-prepare')}`,
      'kubectl rollout status deployment/reviews-v3 --timeout=600s',
      `kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f ${join(dir, '02-canary-50')}`,
      `kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f ${join(dir, '03-switch')}`,
      'sleep 30',
      `kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f ${join(dir, '04-cleanup')}`,
      'kubectl --request-timeout=60s delete deployment.apps/reviews-v1 --ignore-not-found',
    ]);
  });

  test('simulate with the gates of plan.json and the readiness probes of the safe folders loses nothing', () => {
    const run = cli('simulate', withPlan(copyOfSafe('bookinfo-probed')), '--schedule', 'adversarial', '-o', 'json');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).failed).toBe(0);
  });

  test('verify refuses the Deployments as Istio ships them (no readiness probe): each routed one, in each phase it is routed', () => {
    const { status, findings } = verifyFindings(join(UNSAFE, 'as-shipped-without-readiness'));
    expect(status).toBe(1);
    expect(new Set(findings.map((f) => f.rule))).toEqual(new Set(['state/routed-without-readiness']));
    const reviews = (version: string) => findings.filter((f) => f.object === `Deployment default/reviews-${version}`).map((f) => f.at);
    // reviews-v3 is created in 01-prepare without traffic: refused from the canary on, where it is routed.
    expect(reviews('v3')).toEqual(['02-canary-50', '03-switch', '04-cleanup']);
    expect(reviews('v1')).toEqual(['00-baseline', '01-prepare', '02-canary-50']);
    expect(findings.filter((f) => f.at === '00-baseline').map((f) => f.object).sort()).toEqual([
      'Deployment default/details-v1', 'Deployment default/productpage-v1', 'Deployment default/ratings-v1', 'Deployment default/reviews-v1',
    ]);
  });

  test('simulate of the folders without plan.json (phases back to back, no gates) loses requests', () => {
    const run = cli('simulate', SAFE);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/\nAll done \d+ calls, [1-9]\d* failed\n$/);
  });

  test('simulate with the gates of plan.json but no readiness probe on reviews-v3 (as Istio ships it) loses requests in the canary', () => {
    const asShipped = join(root, 'as-shipped');
    cpSync(join(UNSAFE, 'as-shipped-without-readiness'), asShipped, { recursive: true });
    const run = cli('simulate', withPlan(asShipped), '--schedule', 'adversarial', '-o', 'json');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { phases: { phase: string; codes: Record<string, number> }[] };
    const failed = (phase: string) => Object.entries(report.phases.find((p) => p.phase === phase)!.codes)
      .filter(([code]) => code !== '200').reduce((sum, [, count]) => sum + count, 0);
    expect(failed('02-canary-50')).toBeGreaterThan(0);
    expect(['01-prepare', '03-switch', '04-cleanup'].map(failed)).toEqual([0, 0, 0]);
  });
});

describe('analyze, compared with istioctl analyze', () => {
  const ISTIOCTL_BASELINE = 'Warning [IST0140] (VirtualService default/bookinfo) Subset in virtual service default/productpage '
    + 'has no effect on ingress gateway default/bookinfo requests\n';

  test('with explicit namespaces, a phase gives what istioctl gives: the gateway-route warning (IST0140), exit 1', () => {
    const dir = join(root, '00-baseline');
    cpSync(join(SAFE, '00-baseline'), dir, { recursive: true });
    rewriteYaml(dir, (text) => text.replace(/^metadata:\n/gm, 'metadata:\n  namespace: default\n'));
    expect(cli('analyze', dir)).toEqual({ status: 1, stdout: ISTIOCTL_BASELINE, stderr: '' });
  });

  test('the files as the sample ships them (no namespace): the same findings, as istioctl analyze puts them in its --namespace (default)', () => {
    expect(cli('analyze', join(SAFE, '00-baseline'))).toEqual({ status: 1, stdout: ISTIOCTL_BASELINE, stderr: '' });
  });
});

/** transition/configuration-in-place: a ConfigMap or Secret changed or deleted under a Deployment that carries traffic. */
import { KubeObject } from '../../src/manifest';
import { changedKeys, configurationOf, configurationReferences, renameConfigurationReferences } from '../../src/model';
import { reviewPhases } from '../../src/plan/review';
import { simulateRelease } from '../../src/simulate';
import { verifyPhases } from '../../src/verify';
import { ObjectData } from '../helpers';
import { phase, ServiceState, stateObjects } from './fixtures';

const NS = 'shop';
const baseline: ServiceState = { name: 'coffee', deployments: ['v1'], weights: { v1: 100 } };

/** How coffee-v1 reads its configuration. */
type Reader = 'volume' | 'projected' | 'env' | 'envFrom' | 'secret';

const CONFIG_MAP = (data: Record<string, string>): ObjectData => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coffee-settings', namespace: NS }, data });
const SECRET = (data: Record<string, string>): ObjectData => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'coffee-db', namespace: NS }, data });

/** The baseline's objects with coffee-v1 reading `coffee-settings` (or the Secret `coffee-db`) as `reader` says, plus `configuration`. */
function objects(reader: Reader, configuration: readonly ObjectData[]): KubeObject[] {
  const list = stateObjects(NS, [baseline]).map((o: ObjectData) => {
    if (o.kind !== 'Deployment') return o;
    const spec = o.spec.template.spec;
    const container = spec.containers[0];
    const podSpec = {
      volume: { ...spec, volumes: [{ name: 'settings', configMap: { name: 'coffee-settings' } }] },
      projected: { ...spec, volumes: [{ name: 'all', projected: { sources: [{ configMap: { name: 'coffee-settings' } }] } }] },
      env: { ...spec, containers: [{ ...container, env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'coffee-settings', key: 'mode' } } }] }] },
      envFrom: { ...spec, containers: [{ ...container, envFrom: [{ configMapRef: { name: 'coffee-settings' } }] }] },
      secret: { ...spec, volumes: [{ name: 'db', secret: { secretName: 'coffee-db' } }] },
    }[reader];
    return { ...o, spec: { ...o.spec, template: { ...o.spec.template, spec: podSpec } } };
  });
  return [...list, ...configuration];
}

const transition = (reader: Reader, before: readonly ObjectData[], after: readonly ObjectData[]) =>
  [phase(0, 'baseline', objects(reader, before)), phase(1, 'edit', objects(reader, after))];

describe('transition/configuration-in-place', () => {
  test.each([
    ['volume', 'spec.template.spec.volumes[0].configMap'],
    ['projected', 'spec.template.spec.volumes[0].projected.sources[0].configMap'],
    ['env', 'spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef'],
    ['envFrom', 'spec.template.spec.containers[0].envFrom[0].configMapRef'],
  ] as const)('a changed ConfigMap read through %s is a finding naming the ConfigMap, the Deployment, the field and the fix', (reader, field) => {
    const findings = verifyPhases(transition(reader, [CONFIG_MAP({ mode: 'slow', size: 'L' })], [CONFIG_MAP({ mode: 'fast', size: 'L' })]));
    expect(findings).toEqual([expect.objectContaining({
      rule: 'transition/configuration-in-place', object: 'ConfigMap shop/coffee-settings', transition: '00-baseline -> 01-edit',
    })]);
    expect(findings[0].message).toContain('changes key mode while Deployment shop/coffee-v1');
    expect(findings[0].message).toContain(`reads it through ${field}`);
    expect(findings[0].fix).toContain('give the new configuration a new name in the new version');
  });

  test('a deleted ConfigMap is a finding', () => {
    const findings = verifyPhases(transition('volume', [CONFIG_MAP({ mode: 'slow' })], []));
    expect(findings).toEqual([expect.objectContaining({ rule: 'transition/configuration-in-place', object: 'ConfigMap shop/coffee-settings' })]);
    expect(findings[0].message).toContain('is deleted while Deployment shop/coffee-v1');
  });

  test('a changed Secret is a finding that names its keys, never its values', () => {
    const findings = verifyPhases(transition('secret', [SECRET({ password: 'b2xk' })], [SECRET({ password: 'bmV3' })]));
    expect(findings).toEqual([expect.objectContaining({ rule: 'transition/configuration-in-place', object: 'Secret shop/coffee-db' })]);
    expect(findings[0].message).toContain('changes key password');
    expect(JSON.stringify(findings)).not.toMatch(/b2xk|bmV3/);
  });

  test('unchanged content (whatever its key order), another ConfigMap, or one no routed Deployment reads is fine', () => {
    expect(verifyPhases(transition('volume', [CONFIG_MAP({ mode: 'slow', size: 'L' })], [CONFIG_MAP({ size: 'L', mode: 'slow' })]))).toEqual([]);
    const other = (data: Record<string, string>): ObjectData => ({ ...CONFIG_MAP(data), metadata: { name: 'other', namespace: NS } });
    expect(verifyPhases(transition('volume', [CONFIG_MAP({}), other({ a: '1' })], [CONFIG_MAP({}), other({ a: '2' })]))).toEqual([]);
    // A new version's ConfigMap beside the old one (what synthesis writes): nothing running reads it.
    const v2 = { ...CONFIG_MAP({ mode: 'fast' }), metadata: { name: 'coffee-v2-settings', namespace: NS } };
    expect(verifyPhases(transition('volume', [CONFIG_MAP({ mode: 'slow' })], [CONFIG_MAP({ mode: 'slow' }), v2]))).toEqual([]);
  });

  test('the simulator agrees: requests served by pods whose configuration changed under them are not counted as safe', () => {
    const changed = simulateRelease(transition('volume', [CONFIG_MAP({ mode: 'slow' })], [CONFIG_MAP({ mode: 'fast' })]), { qps: 100 });
    expect(changed.failed).toBeGreaterThan(0);
    expect(Object.keys(changed.total.codes)).toContain('200 CC');
    const unchanged = simulateRelease(transition('volume', [CONFIG_MAP({ mode: 'slow' })], [CONFIG_MAP({ mode: 'slow' })]), { qps: 100 });
    expect(unchanged.failed).toBe(0);
  });
});

test('plan names the changed keys (never values) and warns; an immutable one is refused by the API server', () => {
  const [, edit] = reviewPhases(transition('secret', [SECRET({ password: 'b2xk' })], [SECRET({ password: 'bmV3' })]));
  expect(edit.changes).toEqual([{ symbol: '~', text: 'Secret coffee-db: keys password changed (in place, under the pods that read it)' }]);
  expect(edit.safety).toContain('WARNING: configuration changes in place: pods that read it see the change without a rollout');
  expect(JSON.stringify(edit)).not.toMatch(/b2xk|bmV3/);
  const immutable = (data: Record<string, string>) => ({ ...CONFIG_MAP(data), immutable: true });
  const [, refused] = reviewPhases(transition('volume', [immutable({ mode: 'slow' })], [immutable({ mode: 'fast' })]));
  expect(refused.changes).toEqual([{ symbol: '~', text: 'ConfigMap coffee-settings: keys mode changed (immutable: the API server refuses it)' }]);
});

describe('the model of ConfigMaps and Secrets', () => {
  test('views give keys, never values; changed keys cover added, removed and changed ones', () => {
    const secret = { ...SECRET({ password: 'c2VjcmV0' }), stringData: { user: 'admin' } } as KubeObject & { kind: 'Secret' };
    expect(configurationOf(secret)).toEqual({ kind: 'Secret', keys: ['password', 'user'], immutable: false });
    const before = CONFIG_MAP({ a: '1', b: '2' }) as KubeObject & { kind: 'ConfigMap' };
    const after = { ...CONFIG_MAP({ b: '3', c: '4' }), immutable: true } as KubeObject & { kind: 'ConfigMap' };
    expect(changedKeys(before, after)).toEqual(['a', 'b', 'c']);
    expect(configurationOf(after).immutable).toBe(true);
  });

  test('references are found in every place a pod spec names a ConfigMap or Secret, and renamed by a pure function', () => {
    const podSpec = {
      volumes: [{ name: 'a', configMap: { name: 'settings' } }, { name: 'b', secret: { secretName: 'db' } },
        { name: 'c', projected: { sources: [{ configMap: { name: 'settings' } }, { secret: { name: 'db' } }] } }],
      initContainers: [{ name: 'init', envFrom: [{ configMapRef: { name: 'settings' } }] }],
      containers: [{ name: 'app', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'db', key: 'k' } } }, { name: 'Y', value: 'plain' }] }],
    };
    expect(configurationReferences(podSpec)).toEqual([
      { kind: 'ConfigMap', name: 'settings', field: 'volumes[0].configMap' },
      { kind: 'Secret', name: 'db', field: 'volumes[1].secret' },
      { kind: 'ConfigMap', name: 'settings', field: 'volumes[2].projected.sources[0].configMap' },
      { kind: 'Secret', name: 'db', field: 'volumes[2].projected.sources[1].secret' },
      { kind: 'ConfigMap', name: 'settings', field: 'initContainers[0].envFrom[0].configMapRef' },
      { kind: 'Secret', name: 'db', field: 'containers[0].env[0].valueFrom.secretKeyRef' },
    ]);
    const original = JSON.stringify(podSpec);
    const renamed = renameConfigurationReferences(podSpec, 'ConfigMap', (name) => (name === 'settings' ? 'coffee-v1-settings' : name));
    expect(JSON.stringify(podSpec)).toBe(original);
    expect(configurationReferences(renamed).map((r) => r.name)).toEqual(['coffee-v1-settings', 'db', 'coffee-v1-settings', 'db', 'coffee-v1-settings', 'db']);
  });
});

/** Configuration as part of a version: versioned, immutable ConfigMaps; Secret references; their bad input. */
import { validateMatrix } from '../../src/matrix';
import { synthesizeEnvironment } from '../../src/synth';
import { versionedConfigMapReferences } from '../../src/constructs';
import { simulateRelease } from '../../src/simulate';
import { verifyPhases } from '../../src/verify';
import { baseMatrix, matrixOf, matrixProblems, ObjectData } from '../helpers';

/** The base matrix with coffee-shop's configuration: settings (v2 changes one key) and a Secret reference. */
function configured(): any {
  const matrix = baseMatrix();
  matrix.services['coffee-shop'].configMaps = {
    settings: { data: { 'mode': 'slow', 'app.properties': 'a=1\nb=2\n' }, versions: { v2: { data: { mode: 'fast' } } }, mountPath: '/etc/coffee', asEnv: true },
  };
  matrix.services['coffee-shop'].secrets = { 'coffee-db': { mountPath: '/etc/db' } };
  return matrix;
}

type Output = ReturnType<typeof synthesizeEnvironment>;
const phasesOf = (output: Output) => output.phases.map((phase, i) => ({ name: phase.phase.name, path: phase.path, objects: phase.objects, gates: output.plan.phases[i].gates }));
const production = (matrix: unknown) => synthesizeEnvironment(validateMatrix(matrix).environments[0]);
const problems = matrixProblems;

describe('each version has its own immutable ConfigMaps', () => {
  const output = production(configured());
  const [baseline] = output.phases;
  const last = output.phases[output.phases.length - 1];
  const byName = (objects: readonly ObjectData[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as any;

  test('<service>-<version>-<name>, immutable, labelled with its version, the version\'s data over the common', () => {
    expect(byName(baseline.objects, 'ConfigMap', 'coffee-shop-v1-settings')).toEqual({
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: 'coffee-shop-v1-settings', namespace: 'production', labels: { 'app': 'coffee-shop', 'version': 'v1', 'app.kubernetes.io/managed-by': 'cdk8s-phased-rollout' } },
      immutable: true,
      data: { 'mode': 'slow', 'app.properties': 'a=1\nb=2\n' },
    });
    expect(byName(last.objects, 'ConfigMap', 'coffee-shop-v2-settings').data).toEqual({ 'mode': 'fast', 'app.properties': 'a=1\nb=2\n' });
    expect(byName(last.objects, 'ConfigMap', 'coffee-shop-v1-settings')).toBeUndefined();
    // In the service's file, before the Deployment that reads it; no Secret is rendered.
    const file = baseline.files.find((f) => f.name === 'coffee-shop.k8s.yaml')!;
    expect(file.objects.map((o) => `${o.kind} ${o.metadata.name}`).filter((k) => /ConfigMap|Deployment/.test(k))).toEqual(['ConfigMap coffee-shop-v1-settings', 'Deployment coffee-shop-v1']);
    expect(output.phases.flatMap((p) => p.objects).some((o) => o.kind === 'Secret')).toBe(false);
  });

  test('the main container reads them under the version\'s name: read-only mounts, envFrom, the Secret by its own name', () => {
    const spec = byName(baseline.objects, 'Deployment', 'coffee-shop-v1').spec.template.spec;
    expect(spec.volumes).toEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'config-settings', configMap: { name: 'coffee-shop-v1-settings' } },
      { name: 'secret-coffee-db', secret: { secretName: 'coffee-db' } },
    ]);
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'config-settings', mountPath: '/etc/coffee', readOnly: true },
      { name: 'secret-coffee-db', mountPath: '/etc/db', readOnly: true },
    ]);
    expect(spec.containers[0].envFrom).toEqual([{ configMapRef: { name: 'coffee-shop-v1-settings' } }]);
  });

  test('a configuration change is a release with the phases of an image change, verified and simulated safe', () => {
    const matrix = configured();
    // The ConfigMaps follow their versions: the phases are those of the same release without configuration.
    const phases = phasesOf(production(matrix));
    expect(phases.map((p) => p.name)).toEqual(phasesOf(production(baseMatrix())).map((p) => p.name));
    expect(verifyPhases(phases)).toEqual([]);
    expect(simulateRelease(phases, { schedule: 'adversarial', qps: 100 }).failed).toBe(0);
  });

  test('the reference rewrite is a pure function over a Kubernetes pod spec: declared names only, any container, any place', () => {
    const service = matrixOf(configured()).services[0];
    const podSpec = {
      volumes: [{ name: 'a', configMap: { name: 'settings' } }, { name: 'b', projected: { sources: [{ configMap: { name: 'other' } }] } }],
      initContainers: [{ name: 'init', env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } }] }],
      containers: [{ name: 'app', envFrom: [{ configMapRef: { name: 'settings' } }, { secretRef: { name: 'settings' } }] }],
    };
    const before = JSON.stringify(podSpec);
    expect(versionedConfigMapReferences(podSpec, service, 'v2')).toEqual({
      volumes: [{ name: 'a', configMap: { name: 'coffee-shop-v2-settings' } }, { name: 'b', projected: { sources: [{ configMap: { name: 'other' } }] } }],
      initContainers: [{ name: 'init', env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'coffee-shop-v2-settings', key: 'mode' } } }] }],
      containers: [{ name: 'app', envFrom: [{ configMapRef: { name: 'coffee-shop-v2-settings' } }, { secretRef: { name: 'settings' } }] }],
    });
    expect(JSON.stringify(podSpec)).toBe(before);
  });

  test('a service without configuration renders as before (the example\'s dist/ is unchanged)', () => {
    const plain = production(baseMatrix());
    expect(plain.phases.flatMap((p) => p.objects).some((o) => o.kind === 'ConfigMap')).toBe(false);
    const spec = (plain.phases[0].objects.find((o) => o.kind === 'Deployment') as ObjectData).spec.template.spec;
    expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    expect(spec.containers[0]).not.toHaveProperty('envFrom');
  });
});

describe('bad configuration input', () => {
  const withConfig = (edit: (service: any) => void) => {
    const matrix = configured();
    edit(matrix.services['coffee-shop']);
    return matrix;
  };
  const at = 'services.coffee-shop';

  test('Secret values are refused with what to do instead', () => {
    const found = problems(withConfig((s) => { s.secrets['coffee-db'].data = { password: 'c2VjcmV0' }; s.secrets['coffee-db'].stringData = { user: 'x' }; }));
    expect(found).toEqual([
      expect.stringMatching(new RegExp(`^${at}.secrets.coffee-db.data: a Secret's values do not belong in the matrix .*create the Secret outside it .*reference it here by name$`)),
      expect.stringMatching(new RegExp(`^${at}.secrets.coffee-db.stringData: a Secret's values do not belong in the matrix`)),
    ]);
    expect(found.join('\n')).not.toContain('c2VjcmV0');
  });

  test.each([
    ['a key with a slash', (s: any) => { s.configMaps.settings.data['a/b'] = 'x'; }, `${at}.configMaps.settings.data."a/b": "a/b" is not a valid name (a ConfigMap key: letters, digits, -, _ and .`],
    ['the key ..', (s: any) => { s.configMaps.settings.data['..data'] = 'x'; }, `${at}.configMaps.settings.data."..data": "..data" is not a valid name`],
    ['a number as a value', (s: any) => { s.configMaps.settings.data.port = 8080; }, `${at}.configMaps.settings.data.port: 8080 is not a string (quote numbers and booleans)`],
    ['an undeclared version', (s: any) => { s.configMaps.settings.versions.v9 = { data: {} }; }, `${at}.configMaps.settings.versions.v9: "v9" is not a declared version of the service (v1, v2)`],
    ['a relative mount path', (s: any) => { s.configMaps.settings.mountPath = 'etc/app'; }, `${at}.configMaps.settings.mountPath: "etc/app" is not an absolute path`],
    ['a mount path with ..', (s: any) => { s.configMaps.settings.mountPath = '/etc/../root'; }, `${at}.configMaps.settings.mountPath: "/etc/../root" is not an absolute path`],
    ['a mount over /tmp', (s: any) => { s.configMaps.settings.mountPath = '/tmp/app'; }, `${at}.configMaps.settings.mountPath: "/tmp/app" overlaps the mount "/tmp" of the writable /tmp of the container`],
    ['two mounts in one directory', (s: any) => { s.secrets['coffee-db'].mountPath = '/etc/coffee'; }, `${at}.secrets.coffee-db.mountPath: "/etc/coffee" overlaps the mount "/etc/coffee" of configMaps.settings`],
    ['an unknown field', (s: any) => { s.configMaps.settings.mountpath = '/x'; }, `${at}.configMaps.settings.mountpath: unknown field (did you mean mountPath?)`],
    ['a name that is no label', (s: any) => { s.configMaps.Settings = { data: {} }; }, `${at}.configMaps.Settings: "Settings" is not a valid name (a DNS-1123 label of at most 56 characters)`],
  ])('%s', (_, edit, expected) => {
    expect(problems(withConfig(edit))).toEqual([expect.stringContaining(expected)]);
  });

  test('data over 1 MiB in a version is refused, naming the version and the limit', () => {
    const found = problems(withConfig((s) => { s.configMaps.settings.versions.v2.data.big = 'x'.repeat(1024 * 1024); }));
    expect(found).toEqual([`${at}.configMaps.settings: the data of version v2 is ${1024 * 1024 + 3 + 4 + 4 + 14 + 8} bytes, more than Kubernetes allows in a ConfigMap (1048576 bytes, 1 MiB)`]);
  });

  test('generated ConfigMap names that collide are refused', () => {
    const matrix = configured();
    matrix.services['coffee-shop'].versions = { 'v1': 'zero-downtime-1', 'v2': 'zero-downtime-2', 'v1-a': 'zero-downtime-3' };
    matrix.services['coffee-shop'].configMaps = { 'a-settings': { data: {} }, 'settings': { data: {} } };
    matrix.releases.production['coffee-shop'] = { from: 'v1', to: 'v1-a' };
    expect(problems(matrix)).toEqual([expect.stringContaining('releases.production.coffee-shop: ConfigMap "coffee-shop-v1-a-settings" of coffee-shop v1-a (configMaps.settings) is also the ConfigMap of coffee-shop v1 (configMaps.a-settings)')]);
  });
});

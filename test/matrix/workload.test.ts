/**
 * The workload fields of a service (container, pod, podMetadata, per-version images and env, per-environment
 * overrides): what validation refuses, with the path of the offending field, and what synthesis renders.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { loadMatrixFile, validateMatrix } from '../../src/matrix';
import { synthesizeEnvironment, synthesizeFiles } from '../../src/synth';
import { baseMatrix, messagesFor } from '../helpers';


/** The pod template of a version's Deployment in the first phase of the environment that runs it. */
function podTemplate(spec: any, deployment: string, environment = 0): any {
  const output = synthesizeEnvironment(validateMatrix(spec).environments[environment]);
  const objects = output.phases.flatMap((phase) => phase.objects);
  const found = objects.find((o: any) => o.kind === 'Deployment' && o.metadata.name === deployment) as any;
  expect(found).toBeDefined();
  return found;
}

const barista = (m: any) => m.services.barista;

/** Matches a string that starts with `prefix`. */
const startingWith = (prefix: string) => expect.stringMatching(new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

describe('workload fields: bad input', () => {
  test.each<[string, (m: any) => void, string]>([
    ['unknown container field, close to a valid one', (m) => { barista(m).container = { evn: [] }; },
      'services.barista.container.evn: unknown field (did you mean env?)'],
    ['wrong type in a Kubernetes field', (m) => { barista(m).container = { env: [{ name: 'A', value: 1 }] }; },
      'services.barista.container.env[0].value: 1 is not a string'],
    ['main container name', (m) => { barista(m).container = { name: 'x' }; },
      'services.barista.container.name: is set by cdk8s-phased-rollout: the main container is named after the service'],
    ['main container image', (m) => { barista(m).container = { image: 'x:1' }; },
      'services.barista.container.image: is set by cdk8s-phased-rollout from the service\'s image and versions'],
    ['main container resources', (m) => { barista(m).container = { resources: {} }; },
      'services.barista.container.resources: is set by cdk8s-phased-rollout from the service\'s resources (and the release entry\'s overrides)'],
    ['pod grace period', (m) => { barista(m).pod = { terminationGracePeriodSeconds: 5 }; },
      'services.barista.pod.terminationGracePeriodSeconds: is set by cdk8s-phased-rollout from the service\'s terminationGracePeriodSeconds'],
    ['pod label app', (m) => { barista(m).podMetadata = { labels: { app: 'other' } }; },
      'services.barista.podMetadata.labels.app: is set by cdk8s-phased-rollout: the Service selects the pods by app, set to the service name'],
    ['pod label version', (m) => { barista(m).podMetadata = { labels: { version: 'x' } }; },
      'services.barista.podMetadata.labels.version: is set by cdk8s-phased-rollout: the DestinationRule subsets select the pods by version, set to the version name'],
    ['sidecar annotation', (m) => { barista(m).podMetadata = { annotations: { 'proxy.istio.io/config': '{}' } }; },
      'services.barista.podMetadata.annotations."proxy.istio.io/config": is set by cdk8s-phased-rollout'],
    ['preStop hook', (m) => { barista(m).container = { lifecycle: { preStop: { exec: { command: ['true'] } } } }; },
      'services.barista.container.lifecycle.preStop: is set by cdk8s-phased-rollout from preStopSeconds and preStopAction (set those instead)'],
    ['mount of an undeclared volume', (m) => { barista(m).container = { volumeMounts: [{ name: 'cache', mountPath: '/cache' }] }; },
      'services.barista.container.volumeMounts[0].name: mounts volume "cache", which pod.volumes does not declare (declared: tmp)'],
    ['volume declared twice', (m) => { barista(m).pod = { volumes: [{ name: 'a', emptyDir: {} }, { name: 'a', emptyDir: {} }] }; },
      'services.barista.pod.volumes[1].name: volume "a" is declared twice'],
    ['path mounted twice', (m) => {
      barista(m).pod = { volumes: [{ name: 'a', emptyDir: {} }] };
      barista(m).container = { volumeMounts: [{ name: 'a', mountPath: '/tmp' }, { name: 'a', mountPath: '/tmp' }] };
    }, 'services.barista.container.volumeMounts[1].mountPath: "/tmp" is mounted twice in this container'],
    ['another container named like the main one', (m) => { barista(m).pod = { containers: [{ name: 'barista', image: 'x:1' }] }; },
      'services.barista.pod.containers[0].name: "barista" is the main container\'s name (the service\'s): give the main container\'s fields under container, not as another container'],
    ['two containers of one name', (m) => {
      barista(m).pod = { containers: [{ name: 'log', image: 'x:1' }], initContainers: [{ name: 'log', image: 'y:1' }] };
    }, 'services.barista.pod.initContainers[0].name: "log" is also the name of pod.containers[0] (each container needs its own name)'],
    ['extra port named like the service port', (m) => { barista(m).container = { ports: [{ name: 'http', containerPort: 9091 }] }; },
      'services.barista.container.ports[0].name: port name "http" is already taken (the service\'s port, named after its protocol http)'],
    ['extra port on the service port', (m) => { barista(m).container = { ports: [{ name: 'http-admin', containerPort: 9090 }] }; },
      'services.barista.container.ports[0].containerPort: port 9090/TCP is already declared (the service\'s port, named after its protocol http)'],
    ['port name Istio reads no protocol from', (m) => { barista(m).container = { ports: [{ name: 'httpmetrics', containerPort: 9091 }] }; },
      'services.barista.container.ports[0].name: "httpmetrics" does not name its protocol as Istio reads it: <protocol>[-<suffix>]'],
    ['port name Kubernetes refuses', (m) => { barista(m).container = { ports: [{ name: 'HTTP_Metrics', containerPort: 9091 }] }; },
      'services.barista.container.ports[0].name: "HTTP_Metrics" is not a port name'],
    ['probe on an undeclared port name', (m) => {
      barista(m).container = { startupProbe: { httpGet: { path: '/', port: 'admin' } } };
    }, 'services.barista.container.startupProbe.httpGet.port: "admin" is not a port of this container (its named ports: http)'],
    ['secret as a literal env value', (m) => { barista(m).container = { env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }; },
      'services.barista.container.env[0].value: "DB_PASSWORD" looks like a secret: a literal value would be written into every phase folder; give valueFrom.secretKeyRef'],
    ['secret in a version\'s env', (m) => { barista(m).versions.v2 = { tag: 'b2', env: [{ name: 'API_TOKEN', value: 'x' }] }; },
      'services.barista.versions.v2.env[0].value: "API_TOKEN" looks like a secret'],
    ['secret in an environment\'s overrides', (m) => { m.releases.production.barista.overrides = { env: [{ name: 'STRIPE_KEY', value: 'x' }] }; },
      'releases.production.barista.overrides.env[0].value: "STRIPE_KEY" looks like a secret'],
    ['secret in another container', (m) => { barista(m).pod = { containers: [{ name: 'log', image: 'x:1', env: [{ name: 'CLIENT_SECRET', value: 'x' }] }] }; },
      'services.barista.pod.containers[0].env[0].value: "CLIENT_SECRET" looks like a secret'],
    ['both a probe path and a probe', (m) => { barista(m).container = { readinessProbe: { tcpSocket: { port: 9090 } } }; },
      'services.barista.container.readinessProbe: replaces readinessPath: give one of them, not both'],
    ['neither a probe path nor a probe', (m) => { delete barista(m).livenessPath; },
      'services.barista.livenessPath: required field is missing (an HTTP path for protocol http, or a Kubernetes probe as container.livenessProbe; only tcp, mongo, mysql, redis are probed by tcpSocket without one)'],
    ['same image reference for two versions', (m) => {
      barista(m).versions = { v1: { image: 'docker.io/x/a', tag: '1' }, v2: { image: 'docker.io/x/a', tag: '1' } };
    }, 'services.barista.versions.v2.tag: image "docker.io/x/a:1" is already the image of version v1 (each version needs its own image reference)'],
    ['version mapping without tag', (m) => { barista(m).versions.v2 = { image: 'docker.io/x/a' }; },
      'services.barista.versions.v2.tag: required field is missing'],
    ['unknown override', (m) => { m.releases.production.barista.overrides = { replica: 2 }; },
      'releases.production.barista.overrides.replica: unknown field (did you mean replicas?)'],
  ])('%s', (_name, mutate, expected) => {
    expect(messagesFor(mutate)).toEqual(expect.arrayContaining([startingWith(expected)]));
  });

  test('a secret from a Secret reference, a secret-like name that holds a path, and a non-secret literal are accepted', () => {
    const spec = baseMatrix();
    barista(spec).container = {
      env: [
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'PASSWORD_FILE', value: '/etc/db/password' },
        { name: 'LOG_DIR', value: '/tmp/logs' },
      ],
    };
    expect(() => validateMatrix(spec)).not.toThrow();
  });

  test('the same tag for versions of different repositories is accepted (Bookinfo\'s reviews)', () => {
    const spec = baseMatrix();
    barista(spec).versions = { v1: { image: 'docker.io/istio/examples-bookinfo-reviews-v1', tag: '1.20.3' },
      v2: { image: 'docker.io/istio/examples-bookinfo-reviews-v2', tag: '1.20.3' } };
    const service = validateMatrix(spec).services.find((s) => s.name === 'barista')!;
    expect([...service.versions.values()].map((v) => v.image))
      .toEqual(['docker.io/istio/examples-bookinfo-reviews-v1:1.20.3', 'docker.io/istio/examples-bookinfo-reviews-v2:1.20.3']);
  });

  test('a problem in a nested Kubernetes field of a YAML file gives its line', () => {
    const spec = baseMatrix();
    barista(spec).container = { env: [{ name: 'LOG_DIR', value: '/tmp' }, { name: 'X', valu: 'y' }] };
    const dir = mkdtempSync(join(tmpdir(), 'workload-'));
    const file = join(dir, 'matrix.yaml');
    const text = stringify(spec);
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('valu: y')) + 1;
    expect(() => loadMatrixFile(file)).toThrow(`${file}:${line}:`);
    expect(() => loadMatrixFile(file)).toThrow('services.barista.container.env[1].valu: unknown field (did you mean value?)');
  });

  test('a matrix without workload fields never loads the Kubernetes definitions', () => {
    const script = [
      "const { validateMatrix } = require('./src/matrix');",
      "const { synthesizeFiles } = require('./src/synth');",
      "const { baseMatrix } = require('./test/helpers');",
      'synthesizeFiles(validateMatrix(baseMatrix()));',
      "const loaded = () => Object.keys(require.cache).some((k) => k.includes('k8s-workload'));",
      'const before = loaded();',
      "const m = baseMatrix(); m.services.barista.container = { env: [{ name: 'A', value: 'b' }] }; validateMatrix(m);",
      'console.log(JSON.stringify([before, loaded()]));',
    ].join('\n');
    const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), '-e', script], { cwd: resolve(__dirname, '../..'), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    // Loaded once a matrix gives such a field: the check can fail.
    expect(JSON.parse(run.stdout)).toEqual([false, true]);
  });
});

describe('pod security', () => {
  test.each<[string, (m: any) => void, string, 'baseline' | 'privileged']>([
    ['privileged container', (m) => { barista(m).container = { securityContext: { privileged: true } }; },
      'services.barista.container.securityContext.privileged: runs privileged', 'privileged'],
    ['host network', (m) => { barista(m).pod = { hostNetwork: true }; },
      'services.barista.pod.hostNetwork: shares the node\'s Network namespace (hostNetwork)', 'privileged'],
    ['hostPath volume', (m) => { barista(m).pod = { volumes: [{ name: 'h', hostPath: { path: '/var' } }] }; },
      'services.barista.pod.volumes[0].hostPath: mounts a hostPath volume', 'privileged'],
    ['added capability beyond baseline', (m) => { barista(m).container = { securityContext: { capabilities: { add: ['NET_ADMIN'] } } }; },
      'services.barista.container.securityContext.capabilities.add[0]: adds capability NET_ADMIN', 'privileged'],
    ['added capability of baseline', (m) => { barista(m).container = { securityContext: { capabilities: { add: ['CHOWN'] } } }; },
      'services.barista.container.securityContext.capabilities.add[0]: adds capability CHOWN', 'baseline'],
    ['runAsNonRoot false', (m) => { barista(m).pod = { securityContext: { runAsNonRoot: false } }; },
      'services.barista.pod.securityContext.runAsNonRoot: may run as root (runAsNonRoot: false)', 'baseline'],
    ['root user in a sidecar', (m) => { barista(m).pod = { containers: [{ name: 'log', image: 'x:1', securityContext: { runAsUser: 0 } }] }; },
      'services.barista.pod.containers[0].securityContext.runAsUser: runs as root (runAsUser: 0)', 'baseline'],
    ['privilege escalation', (m) => { barista(m).container = { securityContext: { allowPrivilegeEscalation: true } }; },
      'services.barista.container.securityContext.allowPrivilegeEscalation: allows privilege escalation', 'baseline'],
    ['seccomp unconfined', (m) => { barista(m).container = { securityContext: { seccompProfile: { type: 'Unconfined' } } }; },
      'services.barista.container.securityContext.seccompProfile.type: runs without seccomp (Unconfined)', 'privileged'],
    ['capabilities not all dropped', (m) => { barista(m).container = { securityContext: { capabilities: { drop: ['NET_RAW'] } } }; },
      'services.barista.container.securityContext.capabilities.drop: does not drop ALL capabilities', 'baseline'],
    ['host port', (m) => { barista(m).container = { ports: [{ name: 'http-host', containerPort: 9091, hostPort: 80 }] }; },
      'services.barista.container.ports[0].hostPort: binds host port 80', 'privileged'],
  ])('%s is refused in a restricted environment and allowed with podSecurity: %s', (_name, mutate, expected, level) => {
    const message = messagesFor(mutate).find((m) => m.startsWith(expected));
    expect(message).toContain(`this leaves the restricted Pod Security profile of environment production (it needs ${level}; ` +
      `allow it with environments.production.podSecurity: ${level}, or remove the setting)`);
    if (level === 'privileged') {
      expect(messagesFor((m) => { mutate(m); m.environments.production.podSecurity = 'baseline'; }).some((m) => m.startsWith(expected))).toBe(true);
    }
    const allowed = baseMatrix();
    mutate(allowed);
    allowed.environments.production.podSecurity = level;
    const output = synthesizeEnvironment(validateMatrix(allowed).environments[0]);
    const namespace = output.phases[0].objects.find((o: any) => o.kind === 'Namespace') as any;
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe(level);
  });

  test('what a real image needs stays restricted: a user id, fsGroup, writable paths as emptyDir mounts, NET_BIND_SERVICE', () => {
    const spec = baseMatrix();
    barista(spec).pod = { securityContext: { runAsUser: 1000, fsGroup: 1000 }, volumes: [{ name: 'cache', emptyDir: {} }] };
    barista(spec).container = {
      volumeMounts: [{ name: 'cache', mountPath: '/var/cache' }],
      securityContext: { capabilities: { add: ['NET_BIND_SERVICE'] } },
    };
    const matrix = validateMatrix(spec);
    expect(matrix.services.find((s) => s.name === 'barista')!.podSecurity).toEqual([]);
    const pod = podTemplate(spec, 'barista-v1').spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
    });
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }, { name: 'cache', emptyDir: {} }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, { name: 'cache', mountPath: '/var/cache' }]);
  });

  test('PLAN.md lists each setting that leaves the restricted profile, per service', () => {
    const spec = baseMatrix();
    barista(spec).container = { securityContext: { runAsUser: 0 } };
    spec.environments.production.podSecurity = 'baseline';
    const plan = synthesizeFiles(validateMatrix(spec)).get('production/PLAN.md')!;
    expect(plan).toContain('## Pod Security: baseline');
    expect(plan).toContain('- barista: `services.barista.container.securityContext.runAsUser` runs as root (runAsUser: 0) (needs baseline)');
    const restricted = synthesizeFiles(validateMatrix(baseMatrix())).get('production/PLAN.md')!;
    expect(restricted).not.toContain('## Pod Security');
  });
});

describe('workload fields: rendering', () => {
  test('container, pod, podMetadata, per-version image and env, and per-environment overrides reach the pod template', () => {
    const spec = baseMatrix();
    Object.assign(barista(spec), {
      versions: { v1: 'b1', v2: { image: 'registry.example.com/barista-next', tag: 'b2', env: [{ name: 'FEATURE', value: 'on' }] } },
      preStopAction: 'sleep',
      container: {
        env: [{ name: 'LOG_DIR', value: '/tmp/logs' }, { name: 'FEATURE', value: 'off' }],
        envFrom: [{ configMapRef: { name: 'barista-config' } }],
        command: ['/app/run'], args: ['--port', '9090'], workingDir: '/app',
        ports: [{ name: 'http-metrics', containerPort: 9100 }],
        startupProbe: { httpGet: { path: '/started', port: 'http' }, failureThreshold: 30, periodSeconds: 2 },
      },
      pod: {
        serviceAccountName: 'barista', automountServiceAccountToken: true, priorityClassName: 'low',
        nodeSelector: { pool: 'general' },
        initContainers: [{ name: 'migrate', image: 'registry.example.com/migrate:1' }],
        containers: [{ name: 'log', image: 'registry.example.com/log:1' }],
      },
      podMetadata: { labels: { team: 'coffee' }, annotations: { 'prometheus.io/scrape': 'true' } },
    });
    spec.releases.production.barista = { from: 'v1', to: 'v2', overrides: {
      replicas: 5, resources: { limits: { memory: '1Gi' } }, env: [{ name: 'LOG_LEVEL', value: 'debug' }],
      nodeSelector: { pool: 'prod' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'prod', effect: 'NoSchedule' }],
    } };
    const v1 = podTemplate(spec, 'barista-v1');
    const v2 = podTemplate(spec, 'barista-v2');
    expect(v1.spec.replicas).toBe(5);
    const { metadata, spec: pod } = v2.spec.template;
    expect(metadata.labels).toEqual({ team: 'coffee', app: 'barista', version: 'v2' });
    expect(metadata.annotations['prometheus.io/scrape']).toBe('true');
    expect(pod.serviceAccountName).toBe('barista');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.priorityClassName).toBe('low');
    expect(pod.nodeSelector).toEqual({ pool: 'prod' });
    expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'prod', effect: 'NoSchedule' }]);
    expect(pod.containers.map((c: any) => c.name)).toEqual(['barista', 'log']);
    expect(pod.initContainers.map((c: any) => [c.name, c.securityContext.allowPrivilegeEscalation])).toEqual([['migrate', false]]);
    expect(pod.containers[1].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    const [main] = pod.containers;
    expect(main.image).toBe('registry.example.com/barista-next:b2');
    expect(v1.spec.template.spec.containers[0].image).toBe('sdaschner/barista:b1');
    expect(main.env).toEqual([{ name: 'LOG_DIR', value: '/tmp/logs' }, { name: 'FEATURE', value: 'on' }, { name: 'LOG_LEVEL', value: 'debug' }]);
    expect(v1.spec.template.spec.containers[0].env).toEqual([{ name: 'LOG_DIR', value: '/tmp/logs' }, { name: 'FEATURE', value: 'off' },
      { name: 'LOG_LEVEL', value: 'debug' }]);
    expect(main.envFrom).toEqual([{ configMapRef: { name: 'barista-config' } }]);
    expect([main.command, main.args, main.workingDir]).toEqual([['/app/run'], ['--port', '9090'], '/app']);
    expect(main.ports).toEqual([{ name: 'http', containerPort: 9090, protocol: 'TCP' }, { name: 'http-metrics', containerPort: 9100 }]);
    expect(main.startupProbe).toEqual({ httpGet: { path: '/started', port: 'http' }, failureThreshold: 30, periodSeconds: 2 });
    expect(main.readinessProbe.httpGet).toEqual({ path: '/health', port: 9090 });
    expect(main.lifecycle).toEqual({ preStop: { sleep: { seconds: 20 } } });
    expect(main.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '1Gi' } });
  });

  test('an explicit probe replaces the path form; a tmp volume of the user\'s replaces the product\'s', () => {
    const spec = baseMatrix();
    delete barista(spec).readinessPath;
    barista(spec).container = {
      readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 3 },
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    };
    barista(spec).pod = { volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory' } }] };
    const pod = podTemplate(spec, 'barista-v1').spec.template.spec;
    expect(pod.containers[0].readinessProbe).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 3 });
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { medium: 'Memory' } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  test('no Secret object is ever rendered: secrets are references', () => {
    const spec = baseMatrix();
    barista(spec).container = { env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] };
    barista(spec).pod = { volumes: [{ name: 'certs', secret: { secretName: 'barista-tls' } }] };
    barista(spec).container.volumeMounts = [{ name: 'certs', mountPath: '/etc/tls' }];
    const files = synthesizeFiles(validateMatrix(spec));
    expect([...files.values()].some((text) => /^kind: Secret$/m.test(text))).toBe(false);
    expect([...files.values()].some((text) => text.includes('secretName: barista-tls'))).toBe(true);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMatrixFile, MatrixError, parseMatrixText, validateMatrix } from '../../src/matrix';
import { exampleMatrix } from '../../src/example/matrix';
import { baseMatrix, messagesFor } from '../helpers';


describe('matrix validation', () => {
  test('accepts the base matrix and applies defaults', () => {
    const matrix = validateMatrix(baseMatrix());
    const barista = matrix.services.find((s) => s.name === 'barista')!;
    expect(barista.protocol).toBe('http');
    expect(barista.preStopSeconds).toBe(20);
    expect(barista.terminationGracePeriodSeconds).toBe(50);
    expect(barista.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    const [production] = matrix.environments;
    expect(production.rollouts.map((r) => [r.service.name, r.from, r.to])).toEqual([['coffee-shop', 'v1', 'v2'], ['barista', 'v1', 'v1']]);
    expect(production.rollouts[0].gates).toEqual({ propagationSeconds: 5, drainSeconds: 30, rolloutTimeoutSeconds: 600, observeSeconds: 0 });
  });

  test('accepts the example matrix', () => {
    expect(validateMatrix(exampleMatrix).environments.map((e) => e.name)).toEqual(['production', 'staging']);
  });

  test.each<[string, (m: any) => void, string]>([
    ['undeclared to version', (m) => { m.releases.production['coffee-shop'].to = 'v3'; },
      'releases.production.coffee-shop.to: "v3" is not a declared version of coffee-shop (v1, v2)'],
    ['undeclared from version', (m) => { m.releases.production['coffee-shop'].from = 'v0'; },
      'releases.production.coffee-shop.from: "v0" is not a declared version of coffee-shop (v1, v2)'],
    ['undeclared steady version', (m) => { m.releases.production.barista = { version: 'v9' }; },
      'releases.production.barista.version: "v9" is not a declared version of barista (v1, v2)'],
    ['undeclared service', (m) => { m.releases.production.cashier = { version: 'v1' }; },
      'releases.production.cashier: "cashier" is not a declared service (coffee-shop, barista)'],
    ['undeclared environment', (m) => { m.releases.staging = {}; },
      'releases.staging: "staging" is not a declared environment (production)'],
    ['release to itself', (m) => { m.releases.production['coffee-shop'].to = 'v1'; },
      'releases.production.coffee-shop.to: "v1" is also the from version (a release needs two different versions; use { version: "v1" } for a service that stays)'],
    ['service name not DNS-1035', (m) => { m.services['9lives'] = m.services.barista; },
      'services.9lives: "9lives" is not a valid name (a DNS-1035 label: lowercase letters, digits and -, starting with a letter, at most 63 characters)'],
    ['service name too long', (m) => { m.services['a'.repeat(64)] = m.services.barista; },
      `services.${'a'.repeat(64)}: "${'a'.repeat(64)}" is not a valid name (a DNS-1035 label: lowercase letters, digits and -, starting with a letter, at most 63 characters)`],
    ['environment name invalid', (m) => { m.environments.Prod = { namespace: 'prod' }; },
      'environments.Prod: "Prod" is not a valid name (a DNS-1123 label: lowercase letters, digits and -, at most 63 characters)'],
    ['reserved environment name', (m) => { m.environments.argocd = { namespace: 'argocd' }; },
      'environments.argocd: "argocd" is reserved for another folder of dist/ (choose another environment name)'],
    ['namespace invalid', (m) => { m.environments.production.namespace = 'Prod_1'; },
      'environments.production.namespace: "Prod_1" is not a DNS-1123 label (lowercase letters, digits and -)'],
    ['namespace too long', (m) => { m.environments.production.namespace = 'n'.repeat(64); },
      `environments.production.namespace: "${'n'.repeat(64)}" is longer than 63 characters`],
    ['namespace shared', (m) => { m.environments.staging = { namespace: 'production' }; },
      'environments.staging.namespace: "production" is already the namespace of environments.production (each environment needs its own)'],
    ['replicas out of range', (m) => { m.environments.production.replicas = 0; },
      'environments.production.replicas: 0 is not an integer from 1 to 1000'],
    ['ingress host invalid', (m) => { m.environments.production.ingressHosts = ['shop..example.com']; },
      'environments.production.ingressHosts[0]: "shop..example.com" is not a host name ("*", "*.example.com" or "shop.example.com")'],
    ['ingress host twice', (m) => { m.environments.production.ingressHosts = ['*', '*']; },
      'environments.production.ingressHosts[1]: "*" is listed twice'],
    ['ingress hosts empty', (m) => { m.environments.production.ingressHosts = []; },
      'environments.production.ingressHosts: expected a non-empty list of hosts, got a list'],
    ['port out of range', (m) => { m.services.barista.port = 70000; },
      'services.barista.port: 70000 is not an integer from 1 to 65535'],
    ['port not a number', (m) => { m.services.barista.port = '8080'; },
      'services.barista.port: "8080" is not an integer from 1 to 65535'],
    ['preStop not shorter than grace period', (m) => { m.services.barista.preStopSeconds = 30; m.services.barista.terminationGracePeriodSeconds = 30; },
      'services.barista.terminationGracePeriodSeconds: 30 must be longer than preStopSeconds (30), or the pod is killed before it can shut down gracefully'],
    ['image with tag', (m) => { m.services.barista.image = 'sdaschner/barista:1'; },
      'services.barista.image: "sdaschner/barista:1" is not an image repository without tag or digest (e.g. registry.example.com/team/app)'],
    ['invalid tag', (m) => { m.services.barista.versions.v2 = 'has space'; },
      'services.barista.versions.v2: "has space" is not an image tag ([A-Za-z0-9_][A-Za-z0-9_.-]*, at most 128 characters) or digest (sha256:<64 hex digits>)'],
    ['mutable latest tag', (m) => { m.services.barista.versions.v2 = 'latest'; },
      'services.barista.versions.v2: "latest" is a mutable tag: pin a version tag or a sha256 digest (or set allowMutableTags: true)'],
    ['same image twice', (m) => { m.services.barista.versions.v2 = 'b1'; },
      'services.barista.versions.v2: image "sdaschner/barista:b1" is already the image of version v1 (each version needs its own image reference)'],
    ['version name invalid', (m) => { m.services.barista.versions.V2 = 'b3'; },
      'services.barista.versions.V2: "V2" is not a valid name (a DNS-1123 label (lowercase letters, digits and -), at most 63 characters)'],
    ['deployment name too long', (m) => { m.services.barista.versions['v'.repeat(60)] = 'b3'; },
      `services.barista.versions.${'v'.repeat(60)}: Deployment name "barista-${'v'.repeat(60)}" would be longer than 63 characters`],
    ['no versions', (m) => { m.services.barista.versions = {}; m.releases.production.barista = undefined; },
      'services.barista.versions: declares no version (at least one is needed)'],
    ['probe path invalid', (m) => { m.services.barista.readinessPath = 'health'; },
      'services.barista.readinessPath: "health" is not an HTTP path starting with / (at most 1024 URL characters)'],
    ['protocol unsupported', (m) => { m.services.barista.protocol = 'tls'; },
      'services.barista.protocol: "tls" is not a supported protocol (http, http2, grpc, grpc-web, tcp, mongo, mysql, redis)'],
    ['quantity invalid', (m) => { m.services.barista.resources = { requests: { cpu: 'lots' } }; },
      'services.barista.resources.requests.cpu: "lots" is not a Kubernetes quantity (e.g. 250m, 0.5, 128Mi, 1Gi)'],
    ['unknown field', (m) => { m.services.barista.replicas = 3; },
      'services.barista.replicas: unknown field (valid fields: image, versions, port, protocol, readinessPath, livenessPath, preStopSeconds, terminationGracePeriodSeconds, resources, preStopAction, container, pod, podMetadata, ingressPath, allowMutableTags, configMaps, secrets, autoscaling)'],
    ['unknown field close to a valid one', (m) => { m.services.barista.ingresPath = '/b'; },
      'services.barista.ingresPath: unknown field (did you mean ingressPath?) (valid fields: image, versions, port, protocol, readinessPath, livenessPath, preStopSeconds, terminationGracePeriodSeconds, resources, preStopAction, container, pod, podMetadata, ingressPath, allowMutableTags, configMaps, secrets, autoscaling)'],
    ['unknown gate field, another case', (m) => { m.releases.production['coffee-shop'].gates = { DrainSeconds: 5 }; },
      'releases.production.coffee-shop.gates.DrainSeconds: unknown field (did you mean drainSeconds?) (valid fields: propagationSeconds, drainSeconds, rolloutTimeoutSeconds, observeSeconds)'],
    ['a value that is no JSON data', (m) => { m.releases.production['coffee-shop'].gates = new Date(0); },
      'releases.production.coffee-shop.gates: a Date is not JSON data (a mapping, list, string, number, true or false)'],
    ['missing field', (m) => { delete m.services.barista.port; },
      'services.barista.port: required field is missing'],
    ['weights not ascending', (m) => { m.releases.production['coffee-shop'].strategy = { type: 'canary', steps: [50, 10] }; },
      'releases.production.coffee-shop.strategy.steps[1]: 10 does not exceed the previous step 50 (steps must be strictly ascending)'],
    ['weight out of range', (m) => { m.releases.production['coffee-shop'].strategy = { type: 'canary', steps: [10, 100] }; },
      'releases.production.coffee-shop.strategy.steps[1]: 100 is not a weight from 1 to 99 (percent of traffic to the new version)'],
    ['weight zero', (m) => { m.releases.production['coffee-shop'].strategy = { type: 'canary', steps: [0] }; },
      'releases.production.coffee-shop.strategy.steps[0]: 0 is not a weight from 1 to 99 (percent of traffic to the new version)'],
    ['no canary steps', (m) => { m.releases.production['coffee-shop'].strategy = { type: 'canary', steps: [] }; },
      'releases.production.coffee-shop.strategy.steps: expected a list of 1 to 20 weights (e.g. [10, 50]), got a list'],
    ['unknown strategy', (m) => { m.releases.production['coffee-shop'].strategy = { type: 'rolling' }; },
      'releases.production.coffee-shop.strategy.type: "rolling" is not a strategy (blueGreen, canary)'],
    ['negative gate', (m) => { m.releases.production['coffee-shop'].gates = { drainSeconds: -1 }; },
      'releases.production.coffee-shop.gates.drainSeconds: -1 is not an integer from 0 to 3600'],
    ['overlapping ingress paths', (m) => { m.services.barista.ingressPath = '/coffee'; },
      'services.barista.ingressPath: "/coffee" overlaps ingressPath "/coffee-shop" of coffee-shop, exposed through the same Gateway in environment production (use disjoint prefixes)'],
    ['colliding Deployment names', (m) => {
      m.services['coffee-shop'].versions['barista-x'] = 'zd-x';
      m.services.coffee = { ...m.services.barista, versions: { 'shop-barista-x': 'c1' } };
      m.releases.production.coffee = { version: 'shop-barista-x' };
    }, 'releases.production.coffee: Deployment "coffee-shop-barista-x" of coffee shop-barista-x is also the Deployment of coffee-shop barista-x (rename a service or version)'],
  ])('%s', (_name, mutate, expected) => {
    expect(messagesFor(mutate)).toContain(expected);
  });

  test('reports every problem at once', () => {
    const messages = messagesFor((m) => {
      m.services.barista.port = 0;
      m.releases.production['coffee-shop'].to = 'v3';
    });
    expect(messages).toHaveLength(2);
  });

  test('the error message lists every problem, prefixed with the file', () => {
    const spec = baseMatrix();
    spec.services.barista.port = 0;
    expect(() => validateMatrix(spec, 'matrix.yaml')).toThrow(
      'invalid version matrix matrix.yaml (1 problem):\n  matrix.yaml: services.barista.port: 0 is not an integer from 1 to 65535');
  });

  test('a service that is no mapping is one problem', () => {
    expect(messagesFor((m) => { m.services.barista = null; m.releases.production.barista = undefined; }))
      .toEqual(['services.barista: expected a mapping, got null']);
  });

  test('rejects a matrix that is not a mapping', () => {
    expect(() => validateMatrix([1])).toThrow('(matrix): expected a mapping with environments, services and releases, got a list');
  });
});

describe('matrix files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'matrix-'));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const errorOf = (file: string) => {
    try {
      loadMatrixFile(file);
    } catch (error) {
      expect(error).toBeInstanceOf(MatrixError);
      return (error as MatrixError).message;
    }
    throw new Error('expected rejection');
  };

  test('YAML and JSON files give the same matrix as the TypeScript one', () => {
    const json = write('m.json', JSON.stringify(exampleMatrix));
    expect(loadMatrixFile(json)).toEqual(validateMatrix(exampleMatrix));
    expect(loadMatrixFile(join(__dirname, '../../examples/coffee-shop.yaml'))).toEqual(validateMatrix(exampleMatrix));
  });

  test('names the file, the line and column, and the field', () => {
    const file = write('bad.yaml', 'environments: {}\nservices: {}\nreleases: { prod: {} }\n');
    expect(errorOf(file)).toContain(`${file}:3:13: releases.prod: "prod" is not a declared environment (none declared)`);
  });

  test('every problem of a YAML file gives the line and column of its field', () => {
    const yaml = readFileSync(join(__dirname, '../../examples/coffee-shop.yaml'), 'utf8');
    const lines = yaml.split('\n');
    const at = (pattern: RegExp, from = 0) => {
      const line = lines.findIndex((text, index) => index >= from && pattern.test(text));
      return { line: line + 1, column: lines[line].search(/\S/) + 1 };
    };
    const broken = yaml.replace(/^(\s+)port: 8080$/m, '$1port: 0').replace(/^(\s+)readinessPath: /m, '$1readinesPath: ');
    const file = write('positions.yaml', broken);
    const port = at(/^\s+port: 8080$/);
    const readiness = at(/^\s+readinessPath: /);
    const service = at(/^ {2}[a-z-]+:$/, lines.findIndex((text) => text === 'services:'));
    const message = errorOf(file);
    expect(message).toContain(`${file}:${port.line}:${port.column}: services.coffee-shop.port: 0 is not an integer from 1 to 65535`);
    expect(message).toContain(`${file}:${readiness.line}:${readiness.column}: services.coffee-shop.readinesPath: unknown field (did you mean readinessPath?)`);
    // A missing field is not in the file: the position is that of the mapping that lacks it.
    expect(message).toContain(`${file}:${service.line}:${service.column}: services.coffee-shop.readinessPath: required field is missing`);
  });

  test('JSON problems give the line and column too', () => {
    const spec = JSON.parse(JSON.stringify(exampleMatrix));
    spec.environments.production.replicas = 0;
    const file = write('positions.json', JSON.stringify(spec, null, 2));
    const lines = readFileSync(file, 'utf8').split('\n');
    const line = lines.findIndex((text) => text.includes('"replicas": 0'));
    expect(errorOf(file)).toContain(`${file}:${line + 1}:${lines[line].indexOf('"replicas"') + 1}: environments.production.replicas: 0 is not an integer from 1 to 1000`);
  });

  test('invalid YAML names the line', () => {
    const file = write('broken.yaml', 'environments:\n  a: [\n');
    expect(errorOf(file)).toMatch(/broken\.yaml: invalid YAML: .* at line \d+, column \d+$/);
  });

  test('duplicate keys are rejected, also in JSON', () => {
    const file = write('dup.json', '{"environments": {}, "environments": {}, "services": {}, "releases": {}}');
    expect(errorOf(file)).toContain('invalid YAML');
  });

  test('JSON reads as YAML reads it: colons and quotes inside strings, nested duplicate keys, nesting bound', () => {
    const spec = JSON.parse(JSON.stringify(exampleMatrix));
    spec.services['coffee-shop'].readinessPath = '/ready?a=b:c&d="e"\\';
    const json = JSON.stringify(spec);
    expect(parseMatrixText(json, 'm.json')).toEqual(parseMatrixText(`# the same as YAML\n${json}`, 'm.yaml'));
    expect(parseMatrixText(json, 'm.json')).toEqual(spec);
    const nestedDuplicate = json.replace('"readinessPath":', '"livenessPath":"/x","readinessPath":');
    expect(errorOf(write('nested-dup.json', nestedDuplicate))).toMatch(/nested-dup\.json: services\.coffee-shop\.livenessPath: invalid YAML: duplicate key "livenessPath" at line 1, column \d+/);
    expect(errorOf(write('deep.json', `${'['.repeat(100)}${']'.repeat(100)}`))).toContain('is nested more than 64 levels deep');
  });

  test('empty file', () => {
    expect(errorOf(write('empty.yaml', ''))).toContain('is empty (expected a mapping with environments, services and releases)');
  });

  test('several documents', () => {
    expect(errorOf(write('multi.yaml', 'a: 1\n---\nb: 2\n'))).toContain('holds 2 YAML documents (a matrix is exactly one)');
  });

  test('missing file', () => {
    expect(errorOf(join(dir, 'nope.yaml'))).toContain('cannot be read (ENOENT)');
  });
});

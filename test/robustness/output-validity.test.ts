/**
 * Every object of the output (the example's, and that of random valid matrices) validates against the
 * published schemas, carries no secret, exposes nothing that the matrix does not expose, and runs the
 * image the matrix pins.
 *
 * Schemas come from npm packages, so that the tests need nothing outside the repository: `kubernetes-models`
 * (core, apps, policy) and `@kubernetes-models/istio` 2.3, which has no networking.istio.io/v1 models yet:
 * Istio serves v1, v1beta1 and v1alpha3 with the same schema, so v1 objects are validated by the v1beta1
 * models. Where /work/shared/schemas exists, objects are also validated against the exact Kubernetes 1.27
 * definitions and Istio's v1 CRD schemas with ajv.
 */
import Ajv, { ValidateFunction } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { exampleMatrix } from '../../src/example/matrix';
import { validateMatrix } from '../../src/matrix';
import { MatrixSpec } from '../../src/matrix/types';
import { synthesizeFiles } from '../../src/synth';
import { baseMatrix } from '../helpers';
import { OutputObject, outputObjects, podTemplates, validMatrix } from './valid-matrices';

type Model = new (data: any) => { validate(): void };

/** The model that validates each kind of the output, by `apiVersion/kind`. */
async function loadModels(): Promise<Map<string, Model>> {
  const istio = async (kind: string) => (await import(`@kubernetes-models/istio/networking.istio.io/v1beta1/${kind}`))[kind] as Model;
  return new Map<string, Model>([
    ['v1/Namespace', (await import('kubernetes-models/v1/Namespace')).Namespace],
    ['v1/Service', (await import('kubernetes-models/v1/Service')).Service],
    ['apps/v1/Deployment', (await import('kubernetes-models/apps/v1/Deployment')).Deployment],
    ['policy/v1/PodDisruptionBudget', (await import('kubernetes-models/policy/v1/PodDisruptionBudget')).PodDisruptionBudget],
    ['networking.istio.io/v1/VirtualService', await istio('VirtualService')],
    ['networking.istio.io/v1/DestinationRule', await istio('DestinationRule')],
    ['networking.istio.io/v1/Gateway', await istio('Gateway')],
    ['argoproj.io/v1alpha1/Application', (await import('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application')).Application],
  ]);
}

let models: Map<string, Model>;
beforeAll(async () => { models = await loadModels(); });

/** Schema problems of one object, `file Kind name: problem`; an unknown kind is one. */
function schemaErrors({ file, object }: OutputObject): string[] {
  const where = `${file} ${object.kind} ${object.metadata?.name}`;
  const model = models.get(`${object.apiVersion}/${object.kind}`);
  if (!model) return [`${where}: no schema for ${object.apiVersion} ${object.kind}`];
  const data = object.apiVersion === 'networking.istio.io/v1' ? { ...object, apiVersion: 'networking.istio.io/v1beta1' } : object;
  try {
    new model(data).validate();
    return [];
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
}

/** Containers of every pod template, with where they are. */
function containersOf(objects: readonly OutputObject[]): { where: string; container: any }[] {
  return podTemplates(objects).flatMap(({ where, template: { spec } }) =>
    [...(spec.initContainers ?? []), ...spec.containers, ...(spec.ephemeralContainers ?? [])].map((container: any) => ({ where, container })));
}

/** The output of a matrix and the objects of its phase folders (dist/<env>/NN-phase/), by environment. */
function synthesized(spec: MatrixSpec) {
  const matrix = validateMatrix(spec);
  const objects = outputObjects(synthesizeFiles(matrix));
  const ofEnvironment = (env: string) => objects.filter(({ file }) => new RegExp(`^${env}/\\d+-[^/]+/`).test(file));
  return { matrix, objects, ofEnvironment };
}

/** Checks of every output: schemas, no secrets, exposure exactly as the matrix says. */
function checkOutput(spec: MatrixSpec): void {
  const { matrix, objects, ofEnvironment } = synthesized(spec);
  expect(objects.flatMap(schemaErrors)).toEqual([]);

  expect(objects.filter(({ object }) => object.kind === 'Secret')).toEqual([]);
  const withEnv = containersOf(objects).filter(({ container }) => container.env !== undefined || container.envFrom !== undefined);
  expect(withEnv.map(({ where }) => where)).toEqual([]);

  for (const env of matrix.environments) {
    const phaseObjects = ofEnvironment(env.name).map(({ object }) => object);
    const exposed = env.ingressHosts.length === 0 ? [] : env.rollouts.filter((r) => r.service.ingressPath !== undefined).map((r) => r.service.name);
    const gateways = phaseObjects.filter((o) => o.kind === 'Gateway');
    const gatewayRoutes = phaseObjects.filter((o) => o.kind === 'VirtualService' && o.spec.gateways !== undefined);
    expect(gateways.length > 0).toBe(exposed.length > 0);
    for (const gateway of gateways) {
      expect(gateway.spec.servers.flatMap((s: { hosts: string[] }) => s.hosts).sort()).toEqual([...env.ingressHosts].sort());
    }
    expect([...new Set(gatewayRoutes.map((vs) => vs.spec.http[0].route[0].destination.host))].sort()).toEqual([...exposed].sort());
    for (const route of gatewayRoutes) {
      const service = env.rollouts.find((r) => r.service.name === route.spec.http[0].route[0].destination.host)!.service;
      expect(route.spec.http.map((h: any) => h.match)).toEqual([[{ uri: { prefix: service.ingressPath } }]]);
      expect(route.spec.hosts.every((host: string) => env.ingressHosts.includes(host))).toBe(true);
    }
    // Mesh-internal routes bind to no gateway, and nothing is a Service of type LoadBalancer or NodePort.
    expect(phaseObjects.filter((o) => o.kind === 'Service' && o.spec.type !== undefined && o.spec.type !== 'ClusterIP')).toEqual([]);
  }
}

describe('schema-valid and secret-free output', () => {
  test('the example release', () => {
    checkOutput(exampleMatrix);
  });

  test('random valid matrices', () => {
    fc.assert(fc.property(validMatrix, checkOutput), { numRuns: 20 });
  });

  test('the schema check can fail: a wrong type is reported', () => {
    const { objects } = synthesized(baseMatrix());
    const deployment = objects.find(({ object }) => object.kind === 'Deployment')!;
    const route = objects.find(({ object }) => object.kind === 'VirtualService')!;
    const broken = (o: OutputObject, change: (copy: any) => void) => {
      const copy = structuredClone(o.object);
      change(copy);
      return { file: o.file, object: copy };
    };
    expect(schemaErrors(broken(deployment, (d) => { d.spec.replicas = 'three'; }))).toEqual([expect.stringContaining('replicas must be integer')]);
    expect(schemaErrors(broken(route, (vs) => { vs.spec.http[0].route[0].weight = '50%'; }))).toEqual([expect.stringContaining('weight must be integer')]);
    expect(schemaErrors(broken(route, (vs) => { vs.kind = 'Secret'; }))).toEqual([expect.stringContaining('no schema for networking.istio.io/v1 Secret')]);
  });
});

describe('only an environment with ingress hosts exposes a service, and only one with an ingressPath', () => {
  test.each([
    ['hosts and ingressPath', true, true, true],
    ['no hosts', false, true, false],
    ['no ingressPath', true, false, false],
  ])('%s', (_name, hosts, path, exposed) => {
    const spec = baseMatrix();
    if (!hosts) delete spec.environments.production.ingressHosts;
    if (!path) delete spec.services['coffee-shop'].ingressPath;
    const kinds = synthesized(spec).ofEnvironment('production').map(({ object }) => object)
      .filter((o) => o.kind === 'Gateway' || o.spec?.gateways !== undefined).map((o) => o.kind);
    expect(kinds.length > 0).toBe(exposed);
  });
});

describe('images', () => {
  const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
  const imagesOf = (spec: unknown) => [...new Set(containersOf(synthesized(spec as MatrixSpec).objects).map(({ container }) => container.image))].sort();

  test('a digest pins the image by digest', () => {
    const spec = baseMatrix();
    spec.services.barista.versions = { v1: digest };
    expect(imagesOf(spec)).toContain(`sdaschner/barista@${digest}`);
    expect(imagesOf(spec).filter((image) => image.startsWith('sdaschner/barista'))).toEqual([`sdaschner/barista@${digest}`]);
  });

  test.each([
    ['the mutable tag latest', 'latest', '"latest" is a mutable tag: pin a version tag or a sha256 digest (or set allowMutableTags: true)'],
    ['no tag', '', '"" is not an image tag'],
    ['a malformed digest', 'sha256:abc', '"sha256:abc" is not an image tag'],
  ])('%s is refused', (_name, ref, message) => {
    const spec = baseMatrix();
    spec.services.barista.versions.v2 = ref;
    expect(() => validateMatrix(spec)).toThrow(`services.barista.versions.v2: ${message}`);
  });

  test('a tag in the image repository is refused', () => {
    const spec = baseMatrix();
    spec.services.barista.image = 'sdaschner/barista:latest';
    expect(() => validateMatrix(spec)).toThrow('services.barista.image: "sdaschner/barista:latest" is not an image repository without tag or digest');
  });

  test('latest is rendered only when the matrix allows mutable tags', () => {
    const spec = baseMatrix();
    spec.services.barista.versions.v2 = 'latest';
    spec.services.barista.allowMutableTags = true;
    spec.releases.production.barista = { from: 'v1', to: 'v2' };
    expect(imagesOf(spec)).toContain('sdaschner/barista:latest');
  });
});

// Exact Kubernetes 1.27 and Istio 1.30 schemas, where this workplace's copies exist (not needed elsewhere).
const SHARED = '/work/shared/schemas';
(existsSync(SHARED) ? describe : describe.skip)('the exact published schemas (ajv, /work/shared/schemas)', () => {
  // Kubernetes' schema extensions (x-kubernetes-*) and formats (int-or-string) are not JSON Schema's: not strict, formats not checked.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(JSON.parse(readFileSync(`${SHARED}/k8s-1.27.0/_definitions.json`, 'utf8')), 'k8s');
  const crds = parseAllDocuments(readFileSync(`${SHARED}/istio-1.30.3/customresourcedefinitions.gen.yaml`, 'utf8')).map((d) => d.toJS());
  const istio = (kind: string): ValidateFunction => ajv.compile(crds.find((crd) => crd?.spec?.group === 'networking.istio.io' && crd.spec.names.kind === kind)
    .spec.versions.find((v: { name: string }) => v.name === 'v1').schema.openAPIV3Schema);
  const k8s = (definition: string) => ajv.getSchema(`k8s#/definitions/${definition}`)!;
  const validators = new Map<string, ValidateFunction>([
    ['v1/Namespace', k8s('io.k8s.api.core.v1.Namespace')],
    ['v1/Service', k8s('io.k8s.api.core.v1.Service')],
    ['apps/v1/Deployment', k8s('io.k8s.api.apps.v1.Deployment')],
    ['policy/v1/PodDisruptionBudget', k8s('io.k8s.api.policy.v1.PodDisruptionBudget')],
    ...['VirtualService', 'DestinationRule', 'Gateway'].map((kind) => [`networking.istio.io/v1/${kind}`, istio(kind)] as [string, ValidateFunction]),
  ]);
  const errors = ({ file, object }: OutputObject) => {
    const validate = validators.get(`${object.apiVersion}/${object.kind}`);
    if (!validate) return object.apiVersion === 'argoproj.io/v1alpha1' ? [] : [`${file}: no schema for ${object.kind}`];
    // A plain predicate: ajv's type guard would narrow `object` to never where it fails.
    const valid: (data: unknown) => boolean = validate;
    return valid(object) ? [] : [`${file} ${object.kind} ${object.metadata.name}: ${ajv.errorsText(validate.errors)}`];
  };

  test('the example release and random valid matrices', () => {
    const { objects } = synthesized(exampleMatrix);
    expect(objects.flatMap(errors)).toEqual([]);
    fc.assert(fc.property(validMatrix, (spec) => { expect(synthesized(spec).objects.flatMap(errors)).toEqual([]); }), { numRuns: 5 });
    const deployment = structuredClone(objects.find(({ object }) => object.kind === 'Deployment')!);
    deployment.object.spec.replicas = 'three';
    expect(errors(deployment)).toEqual([expect.stringContaining('data/spec/replicas must be integer')]);
  });
});

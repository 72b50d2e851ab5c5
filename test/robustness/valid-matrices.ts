/**
 * Random valid version matrices (fast-check) and the objects of their synthesized output, for the
 * properties of the output: schema-valid, restricted pods, no secrets, nothing exposed by accident.
 */
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { KubeObject } from '../../src/manifest';
import { MatrixSpec, ReleaseSpec, SteadySpec, Strategy } from '../../src/matrix/types';

const SERVICE_NAMES = ['web', 'api', 'cart', 'coffee-shop', 'barista', 'search'];
const ENVIRONMENT_NAMES = ['production', 'staging', 'qa', 'dev'];
const VERSION_NAMES = ['v1', 'v2', 'v3', 'blue', 'green'];
const HOSTS = ['*', '*.example.com', 'shop.example.com'];

/** An image reference: a tag, or a sha256 digest. */
const imageRef = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,19}$/).filter((tag) => tag !== 'latest'),
  fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`),
);

const service = (name: string) => fc.record({
  versions: fc.uniqueArray(fc.constantFrom(...VERSION_NAMES), { minLength: 1, maxLength: 3 })
    .chain((versions) => fc.uniqueArray(imageRef, { minLength: versions.length, maxLength: versions.length })
      .map((refs) => Object.fromEntries(versions.map((version, i) => [version, refs[i]])))),
  port: fc.integer({ min: 1, max: 65535 }),
  protocol: fc.option(fc.constantFrom('http', 'http2', 'grpc'), { nil: undefined }),
  preStopSeconds: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
  exposed: fc.boolean(),
  resources: fc.option(fc.record({ requests: fc.record({ cpu: fc.constantFrom('50m', '0.5', '1'), memory: fc.constantFrom('64Mi', '1Gi') }) }), { nil: undefined }),
}).map(({ exposed, ...spec }) => ({
  image: `registry.example.com/team/${name}`, readinessPath: `/${name}/ready`, livenessPath: '/', ...spec,
  // A trailing slash keeps prefixes of different services disjoint (/api/ is no prefix of /api-v2/).
  ...(exposed ? { ingressPath: `/${name}/` } : {}),
}));

const release = (versions: readonly string[]): fc.Arbitrary<SteadySpec | ReleaseSpec> => fc.oneof<fc.Arbitrary<SteadySpec | ReleaseSpec>[]>(
  fc.constantFrom(...versions).map((version) => ({ version })),
  ...(versions.length < 2 ? [] : [fc.record({
    pair: fc.uniqueArray(fc.constantFrom(...versions), { minLength: 2, maxLength: 2 }),
    steps: fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 3 }),
    gates: fc.option(fc.record({ drainSeconds: fc.integer({ min: 0, max: 60 }), observeSeconds: fc.integer({ min: 0, max: 60 }) }), { nil: undefined }),
  }).map(({ pair: [from, to], steps, gates }) => ({
    from, to,
    strategy: steps.length === 0 ? Strategy.blueGreen() : Strategy.canary(...[...steps].sort((a, b) => a - b)),
    ...(gates ? { gates } : {}),
  }))]),
);

/** A valid matrix: 1-3 services, 1-3 environments (some with ingress hosts), steady services and releases. */
export const validMatrix: fc.Arbitrary<MatrixSpec> = fc.tuple(
  fc.uniqueArray(fc.constantFrom(...SERVICE_NAMES), { minLength: 1, maxLength: 3 }),
  fc.uniqueArray(fc.constantFrom(...ENVIRONMENT_NAMES), { minLength: 1, maxLength: 3 }),
).chain(([serviceNames, environmentNames]) => fc.tuple(
  fc.tuple(...serviceNames.map(service)),
  fc.tuple(...environmentNames.map(() => fc.record({
    replicas: fc.integer({ min: 1, max: 5 }),
    ingressHosts: fc.option(fc.uniqueArray(fc.constantFrom(...HOSTS), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  }))),
).chain(([services, environments]) => fc.tuple(...environmentNames.map(() => fc.tuple(...services.map((svc) =>
  fc.option(release(Object.keys(svc.versions)), { nil: undefined, freq: 4 }))))).map((releases) => ({
  services: Object.fromEntries(serviceNames.map((name, i) => [name, services[i]])),
  environments: Object.fromEntries(environmentNames.map((name, i) => [name, { namespace: `${name}-ns`, ...environments[i] }])),
  releases: Object.fromEntries(environmentNames.map((env, e) => [env, Object.fromEntries(serviceNames
    .map((name, s) => [name, releases[e][s]] as const).filter((entry): entry is readonly [string, SteadySpec | ReleaseSpec] => entry[1] !== undefined))])),
}))));

/** One object of the output, with the file it is in. */
export interface OutputObject {
  readonly file: string;
  readonly object: KubeObject;
}

/** Every object of every YAML file of a synthesized output (path -> content), parsed as kubectl would. */
export function outputObjects(files: ReadonlyMap<string, string>): OutputObject[] {
  return [...files].filter(([file]) => /\.ya?ml$/.test(file)).flatMap(([file, yaml]) => parseAllDocuments(yaml).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    return { file, object: doc.toJS() as KubeObject };
  }));
}

/** The pod templates (metadata and spec) of the output's workloads, named for messages. */
export function podTemplates(objects: readonly OutputObject[]): { where: string; template: { metadata?: any; spec: any } }[] {
  return objects.filter(({ object }) => object.spec?.template?.spec !== undefined)
    .map(({ file, object }) => ({ where: `${file} ${object.kind} ${object.metadata.name}`, template: object.spec.template }));
}

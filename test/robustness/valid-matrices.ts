/**
 * Random valid version matrices (fast-check) and the objects of their synthesized output, for the
 * properties of the output: schema-valid, restricted pods, no secrets, nothing exposed by accident.
 */
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { MatrixSpec } from '../../src/matrix/types';
import { validMatrixSpec } from '../arbitraries';
import { ObjectData } from '../helpers';

/** How one service of a shared valid matrix is varied in the fields that matrix keeps at one value. */
const serviceVariation = fc.record({
  digests: fc.uniqueArray(fc.stringMatching(/^[a-f0-9]{64}$/), { minLength: 3, maxLength: 3 }),
  pinned: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  protocol: fc.option(fc.constantFrom('http', 'http2', 'grpc'), { nil: undefined }),
  preStopSeconds: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
  resources: fc.option(fc.record({ requests: fc.record({ cpu: fc.constantFrom('50m', '0.5', '1'), memory: fc.constantFrom('64Mi', '1Gi') }) }), { nil: undefined }),
});

/**
 * The shared valid matrices (test/arbitraries.ts) with images pinned by digest or tag, protocols,
 * preStop times, resources and wildcard ingress hosts varied as well.
 */
export const validMatrix: fc.Arbitrary<MatrixSpec> = validMatrixSpec.chain((spec) => fc.tuple(
  fc.array(serviceVariation, { minLength: Object.keys(spec.services).length, maxLength: Object.keys(spec.services).length }),
  fc.subarray(['*', '*.example.com']),
).map(([variations, wildcards]) => ({
  ...spec,
  environments: Object.fromEntries(Object.entries(spec.environments).map(([name, env]) =>
    [name, env.ingressHosts ? { ...env, ingressHosts: [...env.ingressHosts, ...wildcards] } : env])),
  services: Object.fromEntries(Object.entries(spec.services).map(([name, service], i) => {
    const { digests, pinned, ...fields } = variations[i];
    const versions = Object.fromEntries(Object.entries(service.versions).map(([version, tag], v) => [version, pinned[v] ? `sha256:${digests[v]}` : tag]));
    return [name, { ...service, versions, ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) }];
  })),
}) as MatrixSpec));

/** One object of the output, with the file it is in. */
export interface OutputObject {
  readonly file: string;
  readonly object: ObjectData;
}

/** Every object of every YAML file of a synthesized output (path -> content), parsed as kubectl would. */
export function outputObjects(files: ReadonlyMap<string, string>): OutputObject[] {
  return [...files].filter(([file]) => /\.ya?ml$/.test(file)).flatMap(([file, yaml]) => parseAllDocuments(yaml).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    return { file, object: doc.toJS() as ObjectData };
  }));
}

/** The pod templates (metadata and spec) of the output's workloads, named for messages. */
export function podTemplates(objects: readonly OutputObject[]): { where: string; template: { metadata?: any; spec: any } }[] {
  return objects.filter(({ object }) => object.spec?.template?.spec !== undefined)
    .map(({ file, object }) => ({ where: `${file} ${object.kind} ${object.metadata.name}`, template: object.spec.template }));
}

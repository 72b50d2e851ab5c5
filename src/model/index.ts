/**
 * The one typed view of the Kubernetes and Istio objects the project reads (verify, simulate, plan, analyze):
 * per kind its API group, the types of the fields read (checked once, when objects are loaded) and a lenient
 * reader; one equality of objects; one set of rules for namespaces and host names. Imports only manifest/.
 */
import { apiGroup, KubeObject, resourceName } from '../manifest';
import { METADATA, objectProblem, Shape } from './fields';
import { KINDS } from './kinds';

export * from './equality';
export * from './kinds';
export * from './metadata';
export * from './names';
export type { KindModel } from './kind';

/** The API group of each kind the project reads. */
export const KIND_GROUPS: Readonly<Record<string, string>> = Object.fromEntries(KINDS.map((k) => [k.kind, k.group]));

/** Whether an object is of `kind` in that kind's API group (Istio's Gateway, not the Gateway API's). */
export function isKind(object: KubeObject, kind: string): boolean {
  return object.kind === kind && Object.hasOwn(KIND_GROUPS, kind) && apiGroup(object.apiVersion) === KIND_GROUPS[kind];
}

/**
 * The shape of each kind's objects: metadata plus the kind's fields. Looked up by kind name whatever the
 * apiVersion, as the verifier reads them (an `extensions/v1beta1` Deployment is still a workload).
 */
const SHAPES: ReadonlyMap<string, Shape> = new Map(KINDS.map((k) => [k.kind, { fields: { metadata: METADATA, ...k.fields } }]));
const METADATA_ONLY: Shape = { fields: { metadata: METADATA } };

/** What is wrong with the types of the fields the project reads in `object` (`spec.hosts: expected a list, not 5`), or undefined. */
export function fieldProblem(object: KubeObject): string | undefined {
  return objectProblem(object, SHAPES.get(object.kind) ?? METADATA_ONLY);
}

/** {@link fieldProblem} as a message that names the file, the object and the field; undefined when the fields are well-typed. */
export function fieldError(file: string, object: KubeObject): string | undefined {
  const problem = fieldProblem(object);
  return problem === undefined ? undefined : `${file}: ${resourceName(object)}: ${problem}`;
}

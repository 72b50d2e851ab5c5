/**
 * The types of the fields the verifier reads. Input is untrusted YAML: a field of the wrong type (a
 * `hosts: 5`, a weight written as a string, a label value that is a number) would otherwise be read
 * as absent, and a plan the API server would reject could pass as safe. Only present fields are checked;
 * fields the verifier does not read are left to `analyze` and the API server.
 */
import { isMapping, KubeObject } from '../manifest';

/** A field's expected type: a string, a number, a map of strings (labels, selectors), a list, or an object with typed fields. */
type Shape = 'string' | 'number' | 'labels' | { readonly list: Shape } | { readonly fields: Readonly<Record<string, Shape>> };

const strings: Shape = { list: 'string' };
const destination: Shape = { fields: { host: 'string', subset: 'string' } };
const percentage: Shape = { fields: { value: 'number' } };
const routeRules: Shape = {
  list: {
    fields: {
      route: { list: { fields: { destination, weight: 'number' } } },
      mirror: destination,
      mirrorPercentage: percentage,
      mirrors: { list: { fields: { destination, percentage } } },
    },
  },
};
const workload = { spec: { fields: { template: { fields: { metadata: { fields: { labels: 'labels' } } } } } } } as const;
const metadata: Shape = { fields: { name: 'string', namespace: 'string', labels: 'labels' } };

/** The top-level fields read per kind (metadata for every kind). */
const FIELDS: Readonly<Record<string, Readonly<Record<string, Shape>>>> = {
  Deployment: workload,
  StatefulSet: workload,
  DaemonSet: workload,
  ReplicaSet: workload,
  Service: { spec: { fields: { selector: 'labels' } } },
  DestinationRule: { spec: { fields: { host: 'string', exportTo: strings, subsets: { list: { fields: { name: 'string', labels: 'labels' } } } } } },
  VirtualService: { spec: { fields: { hosts: strings, gateways: strings, http: routeRules, tcp: routeRules, tls: routeRules } } },
};

/** The first field of `value` (at `path`) that does not have its shape, with what was expected. */
function problemOf(value: unknown, shape: Shape, path: string): string | undefined {
  const actual = () => (value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : JSON.stringify(value).slice(0, 80));
  const expected = (what: string) => `${path}: expected ${what}, not ${actual()}`;
  if (shape === 'string' || shape === 'number') return typeof value === shape ? undefined : expected(`a ${shape}`);
  if (shape === 'labels') {
    if (!isMapping(value)) return expected('a map of strings');
    const bad = Object.entries(value).find(([, v]) => typeof v !== 'string');
    return bad ? problemOf(bad[1], 'string', `${path}.${bad[0]}`) : undefined;
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) return expected('a list');
    for (let i = 0; i < value.length; i++) {
      const problem = problemOf(value[i], shape.list, `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (!isMapping(value)) return expected('an object');
  for (const [field, fieldShape] of Object.entries(shape.fields)) {
    if (value[field] === undefined) continue;
    const problem = problemOf(value[field], fieldShape, path === '' ? field : `${path}.${field}`);
    if (problem) return problem;
  }
  return undefined;
}

/** Whether `value` has `shape`: the allocation-free pass that every object takes; problemOf explains a failure. */
function conforms(value: unknown, shape: Shape): boolean {
  if (shape === 'string' || shape === 'number') return typeof value === shape;
  if (shape === 'labels') {
    if (!isMapping(value)) return false;
    for (const key in value) if (typeof value[key] !== 'string') return false;
    return true;
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) return false;
    for (const item of value) if (!conforms(item, shape.list)) return false;
    return true;
  }
  if (!isMapping(value)) return false;
  for (const field in shape.fields) {
    if (value[field] !== undefined && !conforms(value[field], shape.fields[field])) return false;
  }
  return true;
}

/** The shape of each kind's objects: metadata plus the kind's fields. */
const kindShapes = new Map<string, Shape>();

function shapeOfKind(kind: string): Shape {
  let shape = kindShapes.get(kind);
  if (shape === undefined) kindShapes.set(kind, (shape = { fields: { metadata, ...FIELDS[kind] } }));
  return shape;
}

/** Objects already found well-typed: phases share most objects. */
const checked = new WeakSet<KubeObject>();

/** What is wrong with the types of the fields the verifier reads in `object`, or undefined. */
export function shapeProblem(object: KubeObject): string | undefined {
  if (checked.has(object)) return undefined;
  const shape = shapeOfKind(object.kind);
  if (!conforms(object, shape)) return problemOf(object, shape, '');
  checked.add(object);
  return undefined;
}

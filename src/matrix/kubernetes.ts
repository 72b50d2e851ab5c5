/**
 * The schema of the Kubernetes 1.27 types the matrix embeds (a pod spec, containers, probes, autoscaling
 * metrics), built from the published OpenAPI definitions (imports/k8s-workload.ts, `npm run import`): the
 * same field names and types the API server checks, unknown fields named with the valid ones, and each
 * definition's documentation for editors. Built on first use: a matrix without these fields never loads them.
 */
import { z } from './zod';
import { fieldsOf, invalid } from './schema-support';
import type { KubernetesDefinition, KubernetesDefinitionName, KubernetesFieldType, KubernetesTypes } from '../../imports/k8s-workload';

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
/** A Kubernetes quantity (resource.Quantity's grammar): a signed decimal or exponent with an optional suffix. */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[mkMGTPE])?$/;
/** RFC 3339 time, as metav1.Time is written. */
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function integer(min: number, max: number, valid = `an integer from ${min} to ${max}`) {
  const error = invalid(valid);
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** The schema of one field type. */
function fieldSchema(type: KubernetesFieldType): z.ZodType {
  switch (type.kind) {
    case 'string': return z.string({ error: invalid('a string') });
    case 'bytes': return z.string({ error: invalid('base64-encoded bytes') }).base64({ error: invalid('base64-encoded bytes') });
    case 'time': return z.string({ error: invalid('an RFC 3339 time') }).regex(TIME, { error: invalid('an RFC 3339 time (e.g. 2026-01-31T12:00:00Z)') });
    case 'boolean': return z.boolean({ error: invalid('true or false') });
    case 'int32': return integer(INT32.min, INT32.max, 'a 32-bit integer');
    case 'int64': return integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'an integer');
    case 'number': return z.number({ error: invalid('a number') });
    case 'intOrString': {
      const error = invalid('a port number or name, or a percentage ("25%")');
      return z.union([integer(0, INT32.max), z.string({ error }).min(1, { error })], { error });
    }
    case 'quantity': {
      const error = invalid('a Kubernetes quantity (e.g. 250m, 0.5, 128Mi, 1Gi)');
      return z.union([z.number({ error }).nonnegative({ error }), z.string({ error }).regex(QUANTITY, { error })], { error });
    }
    case 'any': return z.record(z.string(), z.unknown(), { error: invalid('a mapping') });
    case 'list': return z.array(fieldSchema(type.items), { error: invalid('a list') });
    case 'map': return z.record(z.string(), fieldSchema(type.values), { error: invalid('a mapping') });
    case 'ref': return kubernetesSchema(type.ref);
  }
}

/** One definition: a strict mapping of its fields, each documented, the required ones required. */
function definitionSchema(definition: KubernetesDefinition): z.ZodType {
  const required = new Set(definition.required);
  const shape = Object.fromEntries(Object.entries(definition.fields).map(([name, field]) => {
    const schema = fieldSchema(field.type).describe(field.description);
    return [name, required.has(name) ? schema : schema.optional()];
  }));
  return fieldsOf(shape, `a ${definition.apiName.split('.').pop()} (a mapping)`)
    .meta({ id: definition.apiName, description: definition.description });
}

/** One schema per definition, however many fields refer to it (a constant built on demand, never changed). */
const SCHEMAS = new Map<KubernetesDefinitionName, z.ZodType<unknown>>();

/**
 * The schema of a Kubernetes definition by name (`Container`, `PodSpec`, `MetricSpec`): lazy, so that it
 * is built (and the definitions loaded) only when a matrix gives such a field.
 */
export function kubernetesSchema<N extends KubernetesDefinitionName>(name: N): z.ZodType<KubernetesTypes[N], KubernetesTypes[N]> {
  let schema = SCHEMAS.get(name) as z.ZodType<KubernetesTypes[N], KubernetesTypes[N]> | undefined;
  if (schema === undefined) {
    schema = z.lazy(() => {
      // Loaded here rather than imported at the top: 180 KB of definitions that most matrices do not use.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { KUBERNETES_DEFINITIONS } = require('../../imports/k8s-workload') as typeof import('../../imports/k8s-workload');
      return definitionSchema(KUBERNETES_DEFINITIONS[name]);
    }) as unknown as z.ZodType<KubernetesTypes[N], KubernetesTypes[N]>;
    SCHEMAS.set(name, schema);
  }
  return schema;
}

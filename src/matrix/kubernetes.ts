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

/** The definitions, loaded on first use rather than imported at the top: 180 KB that most matrices do not use. */
function definitions(): typeof import('../../imports/k8s-workload').KUBERNETES_DEFINITIONS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../imports/k8s-workload') as typeof import('../../imports/k8s-workload')).KUBERNETES_DEFINITIONS;
}

/**
 * The schema of a Kubernetes definition by name (`Container`, `PodSpec`, `MetricSpec`): lazy, so that it
 * is built (and the definitions loaded) only when a matrix gives such a field.
 */
export function kubernetesSchema<N extends KubernetesDefinitionName>(name: N): z.ZodType<KubernetesTypes[N], KubernetesTypes[N]> {
  let schema = SCHEMAS.get(name) as z.ZodType<KubernetesTypes[N], KubernetesTypes[N]> | undefined;
  if (schema === undefined) {
    schema = z.lazy(() => definitionSchema(definitions()[name])) as unknown as z.ZodType<KubernetesTypes[N], KubernetesTypes[N]>;
    deferred(schema);
    SCHEMAS.set(name, schema);
  }
  return schema;
}

/**
 * A definition whose `owned` fields the product sets: each one given is refused with its message (which says
 * where the value comes from instead), and the `optional` fields are optional although Kubernetes requires
 * them. Lazy like {@link kubernetesSchema}; its type is the definition's without the owned fields.
 */
export function kubernetesSchemaOwning<N extends KubernetesDefinitionName, Owned extends string, Optional extends string = never>(
  name: N, owned: Readonly<Record<Owned, string>>, optional: readonly Optional[] = [],
): z.ZodType<KubernetesWithout<N, Owned, Optional>, KubernetesWithout<N, Owned, Optional>> {
  const schema = z.lazy(() => {
    const definition = definitions()[name];
    const ownedNames = Object.keys(owned);
    const fields = Object.fromEntries(Object.entries(definition.fields).filter(([field]) => !ownedNames.includes(field)));
    const required = definition.required.filter((field) => !ownedNames.includes(field) && !(optional as readonly string[]).includes(field));
    const base = definitionSchema({ ...definition, fields, required }) as z.ZodObject;
    const refused = Object.fromEntries(Object.entries<string>(owned).map(([field, message]) =>
      [field, z.never({ error: () => message }).optional().describe(message)]));
    return base.extend(refused).meta({ id: `${definition.apiName}.owned`, title: `Kubernetes ${name} (v1.27)`, description: definition.description });
  });
  return deferred(schema) as unknown as z.ZodType<KubernetesWithout<N, Owned, Optional>, KubernetesWithout<N, Owned, Optional>>;
}

/**
 * `schema` (a lazy one) with what an enclosing optional asks of it answered without building it: zod's
 * optional asks its inner schema whether it is optional, which would build a lazy schema (and load the
 * definitions) for a matrix that does not give the field. A strict mapping is neither optional nor defaulted.
 */
function deferred<T extends z.ZodType>(schema: T): T {
  for (const key of ['optin', 'optout']) Object.defineProperty(schema._zod, key, { value: undefined, configurable: true, writable: true });
  return schema;
}

/** A Kubernetes type without the fields the product owns, and with some required fields optional. */
export type KubernetesWithout<N extends KubernetesDefinitionName, Owned extends string, Optional extends string = never> =
  Readonly<Omit<KubernetesTypes[N], Owned | Optional> & Partial<Pick<KubernetesTypes[N], Extract<Optional, keyof KubernetesTypes[N]>>>>;

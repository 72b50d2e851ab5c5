/**
 * ConfigMaps and Secrets, and where a pod spec reads them (volumes, projected sources, env, envFrom). Views
 * give a Secret's keys, never its values: a finding or a plan that names what changed must not print them.
 */
import { KubeObject } from '../../manifest';
import { sameObject } from '../equality';
import { KindModel } from '../kind';
import { listOf, optionalString, raw, Raw } from '../metadata';

export const CONFIG_MAP: KindModel = { kind: 'ConfigMap', group: '', fields: { data: 'labels', binaryData: 'labels' } };
export const SECRET: KindModel = { kind: 'Secret', group: '', fields: { data: 'labels', stringData: 'labels' } };

/** The kinds whose content pods read through a reference: ConfigMap and Secret. */
export type ConfigurationKind = 'ConfigMap' | 'Secret';

/** Kinds a pod spec can read configuration from. */
export const CONFIGURATION_KINDS: ReadonlySet<string> = new Set<ConfigurationKind>(['ConfigMap', 'Secret']);

/** The fields that hold a configuration object's content, per kind (what a change to it changes under pods). */
const CONTENT_FIELDS: Readonly<Record<ConfigurationKind, readonly string[]>> = {
  ConfigMap: ['data', 'binaryData'],
  Secret: ['data', 'stringData'],
};

/** What the project reads of a ConfigMap or Secret: its keys (never a Secret's values) and whether it is immutable. */
export interface ConfigurationView {
  /** `ConfigMap` or `Secret`. */
  readonly kind: ConfigurationKind;
  /** Keys of its content fields, sorted, each once. */
  readonly keys: readonly string[];
  /** `immutable: true`: the API server refuses any change to its content. */
  readonly immutable: boolean;
}

/** Whether an object is a ConfigMap or a Secret (by kind name, as the verifier reads kinds). */
export function isConfiguration(object: KubeObject): object is KubeObject & { readonly kind: ConfigurationKind } {
  return CONFIGURATION_KINDS.has(object.kind);
}

/** The content fields of a ConfigMap or Secret, each a map (empty when absent or not a map). */
function contentOf(object: KubeObject & { readonly kind: ConfigurationKind }): Readonly<Record<string, Readonly<Record<string, unknown>>>> {
  const fields = object as unknown as Readonly<Record<string, unknown>>;
  return Object.fromEntries(CONTENT_FIELDS[object.kind].map((field) => [field, raw(fields[field]) ?? {}]));
}

/** The ConfigMap or Secret view of an object. */
export function configurationOf(object: KubeObject & { readonly kind: ConfigurationKind }): ConfigurationView {
  const keys = new Set<string>();
  for (const values of Object.values(contentOf(object))) for (const key of Object.keys(values)) keys.add(key);
  return { kind: object.kind, keys: [...keys].sort(), immutable: (object as unknown as Raw)?.immutable === true };
}

/**
 * The keys whose value differs between two versions of one ConfigMap or Secret (added, removed or changed;
 * a key moved between `data` and `stringData` or `binaryData` counts), sorted: names only, never values.
 */
export function changedKeys(before: KubeObject & { readonly kind: ConfigurationKind }, after: KubeObject & { readonly kind: ConfigurationKind }): string[] {
  const [a, b] = [contentOf(before), contentOf(after)];
  const changed = new Set<string>();
  for (const field of CONTENT_FIELDS[before.kind]) {
    const [x, y] = [a[field] ?? {}, b[field] ?? {}];
    for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) if (!sameObject(x[key], y[key])) changed.add(key);
  }
  return [...changed].sort();
}

/** One place a pod spec reads a ConfigMap or Secret. */
export interface ConfigurationReference {
  /** The kind it reads. */
  readonly kind: ConfigurationKind;
  /** The name it reads (in the pod's namespace). */
  readonly name: string;
  /** Where, relative to the pod spec: `volumes[0].configMap`, `containers[0].env[2].valueFrom.secretKeyRef`, ... */
  readonly field: string;
}

/** The fields of a reference to a ConfigMap or Secret, per place, with the field holding its name. */
const VOLUME_SOURCES = [
  { field: 'configMap', kind: 'ConfigMap', nameField: 'name' },
  { field: 'secret', kind: 'Secret', nameField: 'secretName' },
] as const;
const PROJECTED_SOURCES = [{ field: 'configMap', kind: 'ConfigMap' }, { field: 'secret', kind: 'Secret' }] as const;
const ENV_FROM_SOURCES = [{ field: 'configMapRef', kind: 'ConfigMap' }, { field: 'secretRef', kind: 'Secret' }] as const;
const ENV_SOURCES = [{ field: 'configMapKeyRef', kind: 'ConfigMap' }, { field: 'secretKeyRef', kind: 'Secret' }] as const;
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Where a reference is found: the object holding the name, the name's field, and how a finding names the place. */
interface ReferenceSite {
  readonly kind: ConfigurationKind;
  readonly holder: Readonly<Record<string, unknown>>;
  readonly nameField: string;
  readonly field: string;
}

/** Every place of a Kubernetes pod spec (plain JSON with Kubernetes' field names) that names a ConfigMap or Secret. */
function referenceSites(podSpec: unknown): ReferenceSite[] {
  const sites: ReferenceSite[] = [];
  const site = (kind: ConfigurationKind, value: unknown, nameField: string, field: string) => {
    const holder = raw(value);
    if (holder && typeof holder === 'object') sites.push({ kind, holder, nameField, field });
  };
  const spec: Raw = raw(podSpec);
  listOf(spec?.volumes).forEach((volume, v) => {
    for (const source of VOLUME_SOURCES) site(source.kind, raw(volume)?.[source.field], source.nameField, `volumes[${v}].${source.field}`);
    listOf(raw(raw(volume)?.projected)?.sources).forEach((projection, p) => {
      for (const source of PROJECTED_SOURCES) {
        site(source.kind, raw(projection)?.[source.field], 'name', `volumes[${v}].projected.sources[${p}].${source.field}`);
      }
    });
  });
  for (const list of CONTAINER_LISTS) {
    listOf(spec?.[list]).forEach((container, c) => {
      listOf(raw(container)?.envFrom).forEach((from, f) => {
        for (const source of ENV_FROM_SOURCES) site(source.kind, raw(from)?.[source.field], 'name', `${list}[${c}].envFrom[${f}].${source.field}`);
      });
      listOf(raw(container)?.env).forEach((variable, e) => {
        const valueFrom = raw(raw(variable)?.valueFrom);
        for (const source of ENV_SOURCES) site(source.kind, valueFrom?.[source.field], 'name', `${list}[${c}].env[${e}].valueFrom.${source.field}`);
      });
    });
  }
  return sites;
}

/** The ConfigMaps and Secrets a pod spec reads, in the order of the spec (a reference without a name is left out). */
export function configurationReferences(podSpec: unknown): ConfigurationReference[] {
  return referenceSites(podSpec).flatMap(({ kind, holder, nameField, field }) => {
    const name = optionalString(holder[nameField]);
    return name ? [{ kind, name, field }] : [];
  });
}

/** The ConfigMaps and Secrets a workload's pod template reads (`field` relative to `spec.template.spec`). */
export function workloadConfigurationReferences(object: KubeObject): ConfigurationReference[] {
  return configurationReferences(raw(raw(raw(object.spec)?.template)?.spec));
}

/** A copy of the lists and plain mappings of `value`; anything else (a cdk8s IntOrString, a Quantity) is shared, not copied. */
function plainCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainCopy);
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, plainCopy(child)]));
}

/**
 * A copy of a pod spec whose references to ConfigMaps (or Secrets) are renamed by `rename` (a name it returns
 * unchanged is kept). Pure: the spec given is not changed.
 */
export function renameConfigurationReferences<T>(podSpec: T, kind: ConfigurationKind, rename: (name: string) => string): T {
  const copy = plainCopy(podSpec);
  for (const { kind: siteKind, holder, nameField } of referenceSites(copy)) {
    const name = optionalString(holder[nameField]);
    if (siteKind === kind && name !== undefined) (holder as Record<string, unknown>)[nameField] = rename(name);
  }
  return copy as T;
}

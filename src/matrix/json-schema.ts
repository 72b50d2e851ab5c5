/**
 * The JSON Schema of an input file, from its zod schema, and a reference page of its fields generated from
 * that JSON Schema (field, type, default, meaning): what `phased-rollout schema` prints, what the package
 * ships in schemas/, and docs/matrix.md. Deterministic: the same schema gives the same bytes.
 */
import { z } from './zod';

/** A JSON Schema node, as far as the reference page reads it. */
interface JsonSchemaNode {
  readonly type?: string;
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly maxLength?: number;
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: JsonSchemaNode | boolean;
  readonly propertyNames?: JsonSchemaNode;
  readonly items?: JsonSchemaNode;
  readonly anyOf?: readonly JsonSchemaNode[];
  readonly oneOf?: readonly JsonSchemaNode[];
  readonly allOf?: readonly JsonSchemaNode[];
  readonly $ref?: string;
}

/** The definitions of the Kubernetes types (src/matrix/kubernetes.ts) are named by their API name, e.g. `io.k8s.api.core.v1.Container`. */
const KUBERNETES_DEFINITION = /^#\/definitions\/io\.k8s\.api\.([a-z0-9]+)\.([a-z0-9]+)\.([A-Za-z0-9]+)(\.owned)?$/;

/**
 * A Kubernetes type as a link to its API reference (`[Kubernetes Container (v1.27)](...)`), for a node that
 * refers to one: the reference page does not repeat Kubernetes' fields, the JSON Schema has them.
 */
function kubernetesLink(node: JsonSchemaNode): string | undefined {
  const ref = node.$ref ?? (node.allOf?.length === 1 ? node.allOf[0].$ref : undefined);
  const match = ref === undefined ? null : KUBERNETES_DEFINITION.exec(ref);
  if (!match) return undefined;
  const [, group, version, kind] = match;
  return `[Kubernetes ${kind} (v1.27)](https://kubernetes.io/docs/reference/generated/kubernetes-api/v1.27/#${kind.toLowerCase()}-${version}-${group})`;
}

/**
 * The JSON Schema (draft-07, which editors' YAML and JSON language servers read) of what a user writes:
 * the input side of the schema, fields with defaults optional. `readOnly` marks zod's read-only types,
 * which in JSON Schema would wrongly tell editors not to write the field: it is left out.
 */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'input',
    override: (ctx) => {
      delete ctx.jsonSchema.readOnly;
    },
  });
}

/** The JSON Schema as a file: two-space indented JSON and a final newline. */
export function jsonSchemaText(schema: z.ZodType): string {
  return `${JSON.stringify(jsonSchemaOf(schema), null, 2)}\n`;
}

/** One row of the reference: a field and what it takes. */
interface FieldRow {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly default?: unknown;
  readonly description: string;
}

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** What a field takes, in words: `integer 1..65535`, `string matching ^/...`, `list of host names`. */
function typeOf(node: JsonSchemaNode): string {
  const kubernetes = kubernetesLink(node);
  if (kubernetes !== undefined) return kubernetes;
  if (node.const !== undefined) return code(JSON.stringify(node.const));
  if (node.enum) return `one of ${node.enum.map((value) => code(JSON.stringify(value))).join(', ')}`;
  const variants = node.anyOf ?? node.oneOf;
  if (variants) return variants.map(typeOf).filter((type, i, all) => all.indexOf(type) === i).join(' or ');
  const range = (min?: number, max?: number) => (min !== undefined && max !== undefined ? ` ${min}..${max}` : min !== undefined ? ` >= ${min}` : '');
  switch (node.type) {
    case 'integer': return `integer${range(node.minimum, node.maximum)}`;
    case 'number': return `number${range(node.minimum, node.maximum)}`;
    // Long patterns say less than the field's meaning does: the JSON Schema has them.
    case 'string': return node.pattern && node.pattern.length <= 40 ? `string matching ${code(node.pattern)}` : node.pattern ? 'string (pattern in the JSON Schema)' : 'string';
    case 'array': {
      const count = node.minItems !== undefined || node.maxItems !== undefined ? ` (${node.minItems ?? 0} to ${node.maxItems ?? 'any'} items)` : '';
      return `list of ${node.items ? typeOf(node.items) : 'values'}${count}`;
    }
    case 'object': return node.propertyNames || typeof node.additionalProperties === 'object' ? 'mapping by name' : 'mapping';
    default: return node.type ?? 'any';
  }
}

/** The rows of a node's fields, depth first, each variant's fields under the same path (listed once). */
function rowsOf(node: JsonSchemaNode, path: string, rows: FieldRow[]): void {
  const variants = node.anyOf ?? node.oneOf;
  if (variants) {
    variants.forEach((variant) => rowsOf(variant, path, rows));
    return;
  }
  for (const [field, child] of Object.entries(node.properties ?? {})) {
    const childPath = path === '' ? field : `${path}.${field}`;
    const existing = rows.findIndex((row) => row.path === childPath);
    const row: FieldRow = {
      path: childPath,
      type: typeOf(child),
      required: node.required?.includes(field) ?? false,
      default: child.default,
      description: child.description ?? '',
    };
    if (existing < 0) rows.push(row);
    else if (!rows[existing].type.split(' or ').includes(row.type)) rows[existing] = { ...rows[existing], type: `${rows[existing].type} or ${row.type}` };
    rowsOf(child, childPath, rows);
  }
  if (typeof node.additionalProperties === 'object') {
    const value = node.additionalProperties;
    const entryPath = `${path}.<${node.propertyNames?.title ?? 'key'}>`;
    const names = node.propertyNames?.description;
    rows.push({ path: entryPath, type: typeOf(value), required: false, description: `${value.description ?? ''}${names ? ` Name: ${names}.` : ''}`.trim() });
    rowsOf(value, entryPath, rows);
  }
  if (node.items) rowsOf(node.items, `${path}[]`, rows);
}

/**
 * A Markdown reference of the fields of a schema: a table of every field (its path, what it takes,
 * whether it is required, its default, its meaning), then the rules for names.
 */
export function referenceMarkdown(schema: z.ZodType, options: { title: string; intro: string; generatedBy: string }): string {
  const root = jsonSchemaOf(schema) as JsonSchemaNode;
  const rows: FieldRow[] = [];
  rowsOf(root, '', rows);
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const table = rows.map((row) => `| ${code(row.path)} | ${cell(row.type)} | ${row.required ? 'yes' : 'no'} | ` +
    `${row.default === undefined ? '' : code(JSON.stringify(row.default))} | ${cell(row.description)} |`);
  return [
    `<!-- Generated by ${options.generatedBy} from the schema: do not edit (CI fails when it is stale). -->`,
    `# ${options.title}`,
    '',
    options.intro,
    '',
    '| Field | Type | Required | Default | Meaning |',
    '| --- | --- | --- | --- | --- |',
    ...table,
    '',
  ].join('\n');
}

/**
 * Reading an Argo CD Application file for promotion (`dist/argocd/<env>.yaml`, or `--app-file`): apart from
 * the Application that synthesis writes (./application), so that synthesis never loads the YAML document
 * library and the schema this needs.
 */
import { Document, LineCounter, parseDocument } from 'yaml';
import { z } from '../matrix/zod';
import { InputError } from '../manifest';
import { locatorOf, placeOf } from '../matrix/positions';
import { printPath } from '../matrix/field-path';
import { parseWith } from '../matrix/schema-support';

const MISSING = { error: () => 'is missing (expected an Argo CD Application)' };
const required = z.string(MISSING).min(1, MISSING);

/**
 * What promotion reads of an Application file: the rest of the file is Argo CD's and kept as it is (the
 * mappings are open). Checked in the order promotion uses the fields.
 */
const ApplicationFileSchema = z.looseObject({
  spec: z.looseObject({ source: z.looseObject({ path: required.describe('The phase folder the Application syncs.') }, MISSING) }, MISSING),
  metadata: z.looseObject({ name: required.describe('Name of the live Application.'), namespace: required.describe('Its namespace.') }, MISSING),
}, { error: () => 'is not an Argo CD Application (expected a mapping with metadata and spec)' });

/** An Application file as promotion reads it: the document (to edit and write back) and the fields it needs. */
export interface ApplicationFile {
  /** The parsed file, comments and layout kept for writing it back. */
  readonly doc: Document;
  /** `spec.source.path`: the phase folder it syncs (`dist/production/01-prepare`). */
  readonly path: string;
  /** `metadata.name` of the live Application. */
  readonly name: string;
  /** `metadata.namespace` of the live Application. */
  readonly namespace: string;
}

/**
 * Parses an Application file's text; an unusable one is an InputError naming the file, the line and column
 * and the field: `argocd/production.yaml:7:3: spec.source.path is missing (expected an Argo CD Application)`.
 */
export function readApplicationFile(text: string, file: string): ApplicationFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const { line, col } = lineCounter.linePos(doc.errors[0].pos[0]);
    throw new InputError(`${file}:${line}:${col}: invalid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    // An alias bomb (more aliases than the library expands) or one that refers to nothing.
    throw new InputError(`${file}: invalid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = parseWith(ApplicationFileSchema, value);
  if (parsed.problems) {
    const [problem] = parsed.problems;
    const field = printPath(problem.segments);
    throw new InputError(`${placeOf(file, locatorOf(doc, lineCounter), problem.segments)}: ${field === '' ? '' : `${field} `}${problem.message}`);
  }
  const { spec, metadata } = parsed.data;
  return { doc, path: spec.source.path, name: metadata.name, namespace: metadata.namespace };
}

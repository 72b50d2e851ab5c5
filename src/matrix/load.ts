/** Reading a matrix from a YAML or JSON file, with the same validation as a TypeScript matrix. */
import { readFileSync, statSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { Matrix } from './model';
import { MatrixError, validateMatrix } from './validate';

/** Larger matrix files are refused before parsing: a bound on time and memory for hostile input. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** Alias expansion bound: stops "billion laughs" YAML alias bombs. */
const MAX_ALIAS_COUNT = 1000;

function fail(file: string, message: string): never {
  throw new MatrixError([{ path: '', message }], file);
}

/** Parses matrix text (YAML 1.2, of which JSON is a subset): exactly one document, no custom tags. */
export function parseMatrixText(text: string, file: string): unknown {
  if (text.includes('\u0000') || text.includes('\uFFFD')) fail(file, 'is not UTF-8 text (binary content)');
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true, customTags: [], strict: true });
  if (!Array.isArray(docs)) fail(file, 'is not a YAML stream');
  const nonEmpty = docs.filter((doc) => doc.contents !== null || doc.errors.length > 0);
  if (nonEmpty.length === 0) fail(file, 'is empty (expected a mapping with environments, services and releases)');
  if (nonEmpty.length > 1) fail(file, `holds ${nonEmpty.length} YAML documents (a matrix is exactly one)`);
  const [doc] = nonEmpty;
  const error = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (error) {
    // The first line of a pretty error is the problem and its position ("... at line 3, column 1:").
    fail(file, `invalid YAML: ${error.message.split('\n')[0].replace(/:$/, '')}`);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return fail(file, `invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Reads, parses and validates a matrix file. Throws MatrixError (exit code 1) naming the file and field. */
export function loadMatrixFile(file: string): Matrix {
  let text: string;
  try {
    if (statSync(file).size > MAX_FILE_BYTES) fail(file, `is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof MatrixError) throw err;
    return fail(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return validateMatrix(parseMatrixText(text, file), file);
}

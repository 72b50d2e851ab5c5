/**
 * Plain Kubernetes/Istio YAML in and out of memory: the one place that parses manifest files,
 * names objects the way kubectl and istioctl do, and reports unusable input.
 */
import { closeSync, constants, Dirent, fstatSync, openSync, readdirSync, readSync, Stats, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { errorCode } from '../format';
import { parseBlockYaml } from './block-yaml';
import { InputError } from './errors';
import { DocumentText, isJsonStream, lineAt, normalizeText, parseJsonStream, parseYamlDocument, splitDocuments } from './kubectl-yaml';

export { InputError };

/** A Kubernetes object as it appears in YAML: only the fields every kind has are typed. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  /** Read through the typed views of src/model (any type may stand here in untrusted input). */
  readonly spec?: unknown;
  readonly [field: string]: unknown;
}

/** Kubernetes' DNS-1123 label (names of namespaces, Services, DestinationRule subsets), at most DNS1123_LABEL_MAX_LENGTH long. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_LABEL_MAX_LENGTH = 63;

/** A JSON or YAML mapping: an object that is neither null nor a list. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Label key/value pairs: an object's labels, or an equality-based selector (`matchLabels`, a Service's `selector`). */
export type Labels = Readonly<Record<string, string>>;

/** True when every key/value of the selector is among the labels (an empty selector matches everything). */
export function selectorMatches(selector: Labels, labels: Labels): boolean {
  for (const key in selector) if (labels[key] !== selector[key]) return false;
  return true;
}

/**
 * Whether entry `index` of a VirtualService route list receives traffic: a positive weight, or being the
 * sole destination, which receives all traffic whatever its weight (Istio's rule).
 */
export function receivesTraffic(route: readonly unknown[], index: number): boolean {
  const weight = (route[index] as { weight?: unknown } | null | undefined)?.weight;
  return route.length === 1 || (typeof weight === 'number' && weight > 0);
}

/** Identity of an object: what `removes` lists in plan.json and what kubectl deletes. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** `Kind namespace/name`, or `Kind name` when the object has no namespace (istioctl's resource naming). */
export function resourceName(obj: { kind: string; namespace?: string; name: string } | KubeObject): string {
  const ref = 'metadata' in obj ? { kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name } : obj;
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

/** `Kind/name`: how progress messages and plan reviews name an object within its environment. */
export function refLabel(ref: { readonly kind: string; readonly name: string }): string {
  return `${ref.kind}/${ref.name}`;
}

/** The identity of an object (apiVersion, kind, namespace, name). */
export function refOf(obj: KubeObject): ObjectRef {
  const { apiVersion, kind } = obj;
  const { name, namespace } = obj.metadata;
  return namespace === undefined ? { apiVersion, kind, name } : { apiVersion, kind, namespace, name };
}

/**
 * Keys of objects already seen: rendered and parsed objects are shared between phases and never mutated.
 * References (as plan.json lists them by the thousand) are keyed afresh: remembering each costs more.
 */
const identityKeys = new WeakMap<KubeObject, string>();

/** The API group of an apiVersion (`apps` of `apps/v1`, empty for the core `v1`): identity does not depend on the version. */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function keyOf(ref: ObjectRef): string {
  return `${apiGroup(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** A key that is equal for two objects exactly when they are the same object in a cluster (version-independent). */
export function identityKey(obj: KubeObject | ObjectRef): string {
  if (!('metadata' in obj)) return keyOf(obj);
  let key = identityKeys.get(obj);
  if (key === undefined) {
    key = keyOf(refOf(obj));
    identityKeys.set(obj, key);
  }
  return key;
}

/** Identity indexes of object lists already indexed: a phase's list is shared by every step that applies it. */
const identityIndexes = new WeakMap<readonly KubeObject[], ReadonlyMap<string, KubeObject>>();

/** The objects of a list by {@link identityKey} (a later duplicate wins, as when kubectl applies the list in order). */
export function byIdentity(objects: readonly KubeObject[]): ReadonlyMap<string, KubeObject> {
  let index = identityIndexes.get(objects);
  if (index === undefined) {
    index = new Map(objects.map((o) => [identityKey(o), o]));
    identityIndexes.set(objects, index);
  }
  return index;
}

/** A document's text and its value. */
interface ParsedDocument {
  readonly text: string;
  readonly value: unknown;
}

/**
 * Parses the documents of a YAML stream as kubectl splits it: each document taken from `previous` when
 * its text is there (comparing strings is far cheaper than hashing them for a lookup), else with the
 * block YAML parser when the document is in its subset (plain cdk8s output), else the way kubectl reads
 * it ({@link parseYamlDocument}), which refuses what kubectl would read differently from its text.
 * `offsets` receives where each document starts, for messages.
 */
function parseDocuments(documents: readonly DocumentText[], file: string, previous: readonly ParsedDocument[]): ParsedDocument[] {
  let previousByText: Map<string, ParsedDocument> | undefined;
  const known = (doc: string, index: number): ParsedDocument | undefined => {
    if (previous[index]?.text === doc) return previous[index]; // most documents keep their place
    if (previous.length <= 8) return previous.find((document) => document.text === doc);
    // A file of many documents (a whole environment in one file): look them up rather than compare each with each.
    previousByText ??= new Map(previous.map((document) => [document.text, document]));
    return previousByText.get(doc);
  };
  return documents.map((document, index) => {
    const found = known(document.text, index);
    if (found !== undefined) return found;
    let value = parseBlockYaml(document.text, 2 * MAX_NESTING);
    if (value === undefined) {
      checkNesting(document.text, `${file}:${lineAt(document.source, document.offset)}`);
      value = parseYamlDocument(document, file);
    }
    return { text: document.text, value };
  });
}

/** Deepest nesting accepted; Kubernetes objects nest about 15 levels. Deeper input could exhaust the parser's stack. */
const MAX_NESTING = 64;

/** Block nesting deeper than MAX_NESTING: indentation (spaces and sequence dashes) of more than 2 per level. */
const DEEP_INDENTATION = new RegExp(`\\n[ -]{${2 * MAX_NESTING + 1},}`);

/**
 * Refuses text nested deeper than MAX_NESTING before any parser sees it, in one linear scan: flow
 * brackets outside quoted scalars, and indentation as an upper bound on block nesting.
 */
function checkNesting(text: string, file: string): void {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length && depth <= MAX_NESTING; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote || c === '\n') quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  if (depth > MAX_NESTING || DEEP_INDENTATION.test(text)) throw new InputError(`${file}: nested more than ${MAX_NESTING} levels deep`);
}

/** The last text parsed under a file name, with its documents and objects. */
interface ParsedFile {
  readonly text: string;
  readonly documents: readonly ParsedDocument[];
  readonly objects: readonly KubeObject[];
}

/**
 * Parses a manifest file as kubectl reads it (YAML 1.1 documents split at `---` lines, or a JSON stream when
 * it starts with `{`); `List` objects are expanded into their items, empty documents skipped. What kubectl
 * would read differently is an InputError naming the file and line.
 */
export function parseManifests(text: string, file: string): KubeObject[] {
  return new ManifestReader().parse(text, file);
}

/**
 * One run of reading manifests (one `verify`, one `analyze`): it remembers, for that run only, the last
 * file parsed per name and one read buffer. Phase folders hold the same files, and a file is mostly the same
 * as in the previous phase (often byte for byte), so its text and documents are compared with that version,
 * and what is unchanged shares the parsed objects. The name is the path after its first segment (the phase
 * folder, for the paths `verify` reads): `01-prepare/shop/app.yaml` follows `00-baseline/shop/app.yaml`.
 */
export class ManifestReader {
  private readonly lastByName = new Map<string, ParsedFile>();
  /** The read buffer, reused for every file and doubled as needed, up to one byte more than the largest file read. */
  private readonly buffer: ReadBuffer = {};

  /** {@link parseManifests}, sharing what is unchanged with the last file of the same name this run parsed. */
  parse(text: string, file: string): KubeObject[] {
    return parseRemembered(text, file, this.lastByName);
  }

  /** {@link readManifestFile}, through this run's buffer and memory of parsed files. */
  readFile(file: string, displayRoot = process.cwd(), listedRegular = false): KubeObject[] {
    const where = displayPath(file, displayRoot);
    return this.parse(readBoundedText(file, where, listedRegular, this.buffer), where);
  }
}

function parseRemembered(text: string, file: string, lastByName: Map<string, ParsedFile>): KubeObject[] {
  const name = file.slice(file.search(/[\\/]/) + 1);
  const last = lastByName.get(name);
  if (last?.text === text) return [...last.objects];
  const source = normalizeText(text, file);
  let documents: readonly ParsedDocument[] = [];
  let values: readonly unknown[];
  /** Where document `index` starts: computed for a message only. */
  let where: (index: number) => string;
  if (isJsonStream(source)) {
    checkNesting(source, file);
    const stream = parseJsonStream(source, file);
    values = stream.map((item) => item.value);
    where = (index) => `${file}:${lineAt(source, stream[index].offset)}`;
  } else {
    const split = splitDocuments(source, file);
    documents = parseDocuments(split, file, last?.documents ?? []);
    values = documents.map((document) => document.value);
    where = (index) => `${file}:${lineAt(source, split[index].offset)}`;
  }
  const objects: KubeObject[] = [];
  values.forEach((value, index) => {
    if (value !== null && value !== undefined) collect(value, () => where(index), objects, true);
  });
  lastByName.set(name, { text, documents, objects });
  return [...objects];
}

/**
 * Adds an object, or the items of a List, to `into`. kubectl applies the `items` of any object that has
 * them instead of the object (and refuses nested lists): only `v1` `List` is read as a list, and any other
 * object with `items` is refused.
 */
function collect(value: unknown, where: () => string, into: KubeObject[], top: boolean): void {
  if (!isMapping(value)) {
    throw new InputError(`${where()}: expected a Kubernetes object (a mapping with apiVersion, kind and metadata.name)`);
  }
  if (Object.prototype.hasOwnProperty.call(value, 'items')) {
    if (top && value.kind === 'List' && value.apiVersion === 'v1' && Array.isArray(value.items)) {
      value.items.forEach((item: unknown) => collect(item, where, into, false));
      return;
    }
    const what = top ? `${typeof value.kind === 'string' ? value.kind : 'an object'} with an items field` : 'a list inside a List';
    throw new InputError(`${where()}: ${what}: kubectl applies what items holds instead of the object${top ? '' : ', and refuses a list in a list'}; for a list write apiVersion: v1, kind: List and items: [...], else remove items`);
  }
  const missing = ['apiVersion', 'kind'].filter((f) => typeof value[f] !== 'string' || value[f] === '');
  const name = isMapping(value.metadata) ? value.metadata.name : undefined;
  if (typeof name !== 'string' || name === '') missing.push('metadata.name');
  if (value.kind === 'Kustomization' && typeof value.apiVersion === 'string' && value.apiVersion.startsWith('kustomize.config.k8s.io/')) {
    // `kubectl apply -f` sends it to the API server as an object (no such kind); only `-k` reads it.
    throw new InputError(`${where()}: a Kustomization, which kubectl apply -f does not build: a phase folder holds the rendered manifests (write the output of kustomize build into it)`);
  }
  if (missing.length > 0) throw new InputError(`${where()}: object without ${missing.join(', ')}`);
  into.push(value as KubeObject);
}

/** `.` and `..` segments and doubled separators: a path with them needs path.relative to be shown. */
const UNNORMALIZED = /(^|[\\/])\.\.?([\\/]|$)|[\\/]{2}/;

/** How messages name a file: relative to `root` (a plain slice for a normalized path under it, as phase folders are read). */
export function displayPath(file: string, root: string): string {
  if (file.startsWith(root + sep)) {
    const rest = file.slice(root.length + 1);
    if (!UNNORMALIZED.test(rest)) return rest;
  }
  return relative(root, file) || file;
}

/**
 * Reads one manifest file (.yaml, .yml or .json). `listedRegular`: a folder listing showed it as a regular
 * file (not a link), so it is opened without asking first what it is.
 */
export function readManifestFile(file: string, displayRoot = process.cwd(), listedRegular = false): KubeObject[] {
  return new ManifestReader().readFile(file, displayRoot, listedRegular);
}

/**
 * A file's text for the commands that read dist/ (plan.json, an Application file): anything but a regular file
 * is refused before it is opened (a FIFO would block), and at most 16 MiB is read. InputError names the file.
 */
export function readTextFile(file: string): string {
  return readBoundedText(file, file, false, {});
}

/** A read buffer that one run reuses for its files. */
interface ReadBuffer {
  bytes?: Buffer;
}

/**
 * A file's text, read through one reused buffer and bounded. A FIFO or device would block, never end, or
 * act on being opened: anything not listed as a regular file is asked what it is before it is opened (a
 * listed one is opened without following links, in case it changed since). Files are opened non-blocking,
 * and asked again when reading gives nothing, too much or an error.
 */
function readBoundedText(file: string, where: string, listedRegular: boolean, reused: ReadBuffer): string {
  const cannotRead = (error: unknown) => new InputError(`${where}: cannot read: ${errorCode(error)}`);
  const notRegular = () => new InputError(`${where}: not a regular file`);
  const tooLarge = () => new InputError(`${where}: larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB`);
  const checkType = (stat: () => { isFile(): boolean; size: number }) => {
    let info;
    try {
      info = stat();
    } catch (error) {
      throw cannotRead(error);
    }
    if (!info.isFile()) throw notRegular();
    if (info.size > MAX_MANIFEST_BYTES) throw tooLarge();
  };
  let fd: number | undefined;
  if (listedRegular) {
    try {
      fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0));
    } catch {
      // Replaced by a link or gone since the listing: ask what it is, as for any other path.
    }
  }
  if (fd === undefined) {
    checkType(() => statSync(file));
    try {
      fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (error) {
      throw cannotRead(error);
    }
  }
  try {
    let buffer = (reused.bytes ??= Buffer.allocUnsafe(1 << 20));
    let length = 0;
    let failure: unknown;
    try {
      for (let read = -1; read !== 0;) {
        if (length > MAX_MANIFEST_BYTES) break;
        if (length === buffer.length) {
          const grown = Buffer.allocUnsafe(Math.min(2 * length, MAX_MANIFEST_BYTES + 1));
          buffer.copy(grown, 0, 0, length);
          reused.bytes = buffer = grown;
        }
        read = readSync(fd, buffer, length, buffer.length - length, null);
        length += read;
      }
    } catch (error) {
      failure = error;
    }
    // Nothing, too much or a failure: the cases where what the file is decides the message.
    if (length === 0 || length > MAX_MANIFEST_BYTES || failure !== undefined) {
      const opened = fd;
      checkType(() => fstatSync(opened));
      if (length > MAX_MANIFEST_BYTES) throw tooLarge();
      if (failure !== undefined) throw cannotRead(failure);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    try {
      closeSync(fd);
    } catch {
      // A file opened only for reading has nothing to lose on close; the read's outcome stands.
    }
  }
}

const MANIFEST_FILE = /\.(ya?ml|json)$/;
/** Largest manifest file read: a bound on time and memory for hostile input. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/** A manifest file found under a path: `listedRegular` when a folder listing showed it as a regular file (not a link). */
export interface ListedFile {
  readonly path: string;
  readonly listedRegular: boolean;
}

/** Manifest files under a path (the path itself if it is a file), sorted by path so that results are deterministic. */
export function manifestFiles(path: string): string[] {
  return listManifestFiles(path).map((file) => file.path);
}

/** Why a path cannot be read, for a message: `no such file or directory`, else `cannot read: EACCES`. */
function unreadable(error: unknown, missing: string): string {
  const code = errorCode(error);
  return code === 'ENOENT' ? missing : `cannot read: ${code}`;
}

/** What a path is (stat); a path that cannot be read is an InputError naming it. */
export function pathInfo(path: string, missing = 'no such file or directory'): Stats {
  try {
    return statSync(path);
  } catch (error) {
    throw new InputError(`${path}: ${unreadable(error, missing)}`);
  }
}

/** A folder's entries; one that cannot be listed (no permission) is an InputError naming it, not an internal error. */
export function folderEntries(path: string): Dirent[] {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch (error) {
    throw new InputError(`${path}: ${unreadable(error, 'no such file or directory')}`);
  }
}

/** {@link manifestFiles}, with what the folder listings said about each file. */
export function listManifestFiles(path: string): ListedFile[] {
  if (!pathInfo(path).isDirectory()) return [{ path, listedRegular: false }];
  return folderEntries(path)
    .filter((entry) => entry.name !== 'plan.json')
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const full = join(path, entry.name);
      if (entry.isDirectory()) return listManifestFiles(full);
      return MANIFEST_FILE.test(entry.name) && !entry.isFIFO() && !entry.isSocket() ? [{ path: full, listedRegular: entry.isFile() }] : [];
    });
}

/** Names in the order Go's filepath.Walk (kubectl) visits them: by their UTF-8 bytes. */
function byteOrder(a: string, b: string): number {
  // eslint-disable-next-line no-control-regex -- the ASCII range, which starts with the control characters
  if (/^[\x00-\x7f]*$/.test(a + b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * The manifest files of a phase folder, exactly those `kubectl apply -f <folder>` (no `-R`) reads, in its
 * order: `.yaml`, `.yml` and `.json` files directly in the folder (plan.json too). A sub-folder is
 * refused: kubectl would skip it, so what it holds would be verified but never applied. A FIFO or
 * socket with such a name is refused (kubectl would block on it or fail).
 */
export function listPhaseFolder(path: string, displayRoot = process.cwd()): ListedFile[] {
  return folderEntries(path)
    .sort((a, b) => byteOrder(a.name, b.name))
    .flatMap((entry) => {
      const full = join(path, entry.name);
      if (entry.isDirectory()) {
        const folder = displayPath(path, displayRoot);
        throw new InputError(`${displayPath(full, displayRoot)}: a sub-folder in a phase folder: kubectl apply -f ${folder} reads no sub-folders (no -R), so its objects would never be applied; move its files into ${folder}`);
      }
      if (!MANIFEST_FILE.test(entry.name)) return [];
      if (entry.isFIFO() || entry.isSocket()) throw new InputError(`${displayPath(full, displayRoot)}: not a regular file`);
      return [{ path: full, listedRegular: entry.isFile() }];
    });
}

/** Loads every object in the given files and folders (folders are read recursively). */
export function loadManifests(paths: readonly string[]): KubeObject[] {
  const reader = new ManifestReader();
  return paths.flatMap((path) => listManifestFiles(path).flatMap((file) => reader.readFile(file.path, undefined, file.listedRegular)));
}

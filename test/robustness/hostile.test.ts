/**
 * Hostile values (newlines, `---`, `{{ }}`, colons, quotes, YAML tags, anchors, shell syntax) in every
 * string field and every name of the matrix cannot inject objects or fields into the output: each is
 * rejected naming its field, or the output is exactly that of a benign value in its place (parsed as
 * YAML 1.2 and as YAML 1.1, as kubectl reads it), with the value only where that field goes, and never
 * in a shell script.
 */
import fc from 'fast-check';
import { MatrixError, validateMatrix } from '../../src/matrix';
import { synthesizeFiles } from '../../src/synth';
import {
  fuzzBase, NAME_MAPS, parsedYaml, placesOf, printPath, replaced, Segments, STRING_LEAVES, withoutPlanHash, withValue, WORKLOAD_STRING_LEAVES,
  workloadBase,
} from './bad-inputs';

const FRAGMENTS = ['\n', '\r\n', '---', '...', '{{ .Values.secret }}', '{{', '}}', ': ', ':', '"', "'", '!!python/object:os.system',
  '!<tag:yaml.org,2002:js/function>', '!!binary', '&anchor', ' *alias', '*x', '# comment', '- item', '? key', '|', '>', '%YAML 1.1', '\t',
  '@', '`id`', '\\', 'kind: Secret', '\napiVersion: v1\nkind: Secret\n', '$(id)', ';', '&', '=', '%0a', '\u2028', '\u0085', 'é', '[a]', 'yes', '-a'];
/** The fragments an HTTP path may hold: values of path fields made of them are accepted, and must stay inert. */
const PATH_FRAGMENTS = FRAGMENTS.filter((fragment) => /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/]+$/.test(fragment));
/** Hostile values starting with a marker found nowhere else, so that its occurrences in the output can be told apart. */
const hostileValue = (fragments: readonly string[]) => fc.tuple(fc.constantFrom('/zz9', 'zz9'), fc.array(fc.constantFrom(...fragments), { minLength: 1, maxLength: 5 }),
  fc.stringMatching(/^[a-z0-9]{0,3}$/)).map(([start, parts, end]) => `${start}${parts.join('')}${end}`);

/** Where a hostile value goes: a string field (of the workload base when `workload`), or a name (renamed everywhere it is used). */
type Target = { readonly field: Segments; readonly workload?: true } | { readonly name: string; readonly map: Segments };
const targets: Target[] = [
  ...STRING_LEAVES.filter((path) => !['from', 'to', 'version'].includes(String(path[path.length - 1]))).map((field) => ({ field })),
  ...NAME_MAPS.flatMap((map) => Object.keys(map.reduce<any>((node, key) => node[key], fuzzBase())).map((name) => ({ name, map }))),
];
const workloadTargets: Target[] = WORKLOAD_STRING_LEAVES.map((field) => ({ field, workload: true }));

/** Output fields where a value of each field may appear (list indices as *). */
const PLACES: Record<string, readonly string[]> = {
  readinessPath: ['spec.template.spec.containers.*.readinessProbe.httpGet.path'],
  livenessPath: ['spec.template.spec.containers.*.livenessProbe.httpGet.path'],
  ingressPath: ['spec.http.*.match.*.uri.prefix'],
  image: ['spec.template.spec.containers.*.image'],
  tag: ['spec.template.spec.containers.*.image'],
  value: ['spec.template.spec.containers.*.env.*.value'],
  mountPath: ['spec.template.spec.containers.*.volumeMounts.*.mountPath'],
  workingDir: ['spec.template.spec.containers.*.workingDir'],
  serviceAccountName: ['spec.template.spec.serviceAccountName'],
  priorityClassName: ['spec.template.spec.priorityClassName'],
};

/** The base matrix with the target set to `value`; a name is renamed in every key and value that is that name. */
function place(target: Target, value: string): unknown {
  if ('field' in target) return withValue(target.field, value, target.workload ? workloadBase() : fuzzBase());
  const rename = (node: unknown): unknown => {
    if (node === target.name) return value;
    if (Array.isArray(node)) return node.map(rename);
    if (typeof node !== 'object' || node === null) return node;
    return Object.fromEntries(Object.entries(node).map(([key, child]) => [key === target.name ? value : key, rename(child)]));
  };
  return rename(fuzzBase());
}

/** A shell script may hold names, which are DNS labels: nothing a shell would interpret. */
const SHELL_SAFE = /^[a-z0-9.-]+$/;

function checkHostile(target: Target, hostile: string): void {
  const where = 'field' in target ? printPath(target.field) : printPath([...target.map, hostile]);
  let files: Map<string, string>;
  try {
    files = synthesizeFiles(validateMatrix(place(target, hostile)));
  } catch (error) {
    if (!(error instanceof MatrixError)) throw error;
    const paths = error.issues.map((issue) => issue.path);
    expect({ hostile, paths }).toEqual({ hostile, paths: expect.arrayContaining([expect.stringMatching(/./)]) });
    if ('field' in target) expect({ hostile, paths }).toEqual({ hostile, paths: expect.arrayContaining([where]) });
    return;
  }
  const benign = 'field' in target && String(target.field[target.field.length - 1]).endsWith('Path') ? '/zz9-benign' : 'zz9-benign';
  const expected = synthesizeFiles(validateMatrix(place(target, benign)));
  expect([...files.keys()].map((path) => path.split(hostile).join(benign))).toEqual([...expected.keys()]);
  for (const [path, content] of files) {
    const text = withoutPlanHash(content);
    const benignText = withoutPlanHash(expected.get(path.split(hostile).join(benign))!);
    if (text === benignText) continue;
    if (/\.ya?ml$/.test(path)) {
      const objects = parsedYaml(benignText, '1.2');
      expect(replaced(parsedYaml(text, '1.2'), hostile, benign)).toEqual(objects);
      expect(replaced(parsedYaml(text, '1.1'), hostile, benign)).toEqual(objects);
      const field = 'field' in target ? String(target.field[target.field.length - 1]) : '';
      const misplaced = PLACES[field] ? objects.flatMap((object) => placesOf(object, benign)).filter((place) => !PLACES[field].includes(place)) : [];
      expect({ hostile, path, misplaced }).toEqual({ hostile, path, misplaced: [] });
    } else if (path.endsWith('.json')) {
      expect(replaced(JSON.parse(text), hostile, benign)).toEqual(JSON.parse(benignText));
    } else {
      expect(text.split(hostile).join(benign)).toBe(benignText);
      if (path.endsWith('.sh') && text.includes(hostile)) expect({ hostile, path }).toEqual({ hostile: expect.stringMatching(SHELL_SAFE), path });
    }
  }
}

describe('hostile values in the matrix', () => {
  test('are rejected naming their field, or inert in the output', () => {
    fc.assert(fc.property(fc.constantFrom(...targets), hostileValue(FRAGMENTS), checkHostile), { numRuns: 150 });
  });

  test('in every string field of the workload (container, pod, podMetadata, versions, overrides): rejected naming the field, or inert', () => {
    fc.assert(fc.property(fc.constantFrom(...workloadTargets), hostileValue(FRAGMENTS), checkHostile), { numRuns: 60 });
  });

  test.each([
    [['services', 'barista', 'container', 'env', 0, 'value'], 'x\n---\napiVersion: v1\nkind: Secret\n'],
    [['services', 'barista', 'container', 'command', 0], '{{ .Values.secret }}'],
    [['services', 'barista', 'podMetadata', 'annotations', 'prometheus.io/scrape'], '!!python/object:os.system'],
    [['services', 'barista', 'pod', 'containers', 0, 'image'], 'log:1\n---\nkind: Secret'],
  ])('workload field %j holding %j is an inert string', (field, value) => {
    checkHostile({ field, workload: true }, value);
  });

  test.each([
    [['services', 'barista', 'pod', 'volumes', 0, 'name'], 'cache\n---'],
    [['services', 'barista', 'pod', 'serviceAccountName'], 'barista\nkind: Secret'],
    [['services', 'barista', 'podMetadata', 'labels', 'team'], '{{ .Values.team }}'],
    [['services', 'barista', 'container', 'ports', 0, 'name'], 'http-{{x}}'],
    [['services', 'barista', 'container', 'env', 0, 'name'], 'LOG DIR: x'],
  ])('workload name %j holding %j is rejected with its path', (field, value) => {
    expect(() => validateMatrix(withValue(field, value, workloadBase()))).toThrow(`${printPath(field)}: ${JSON.stringify(value)} is not`);
  });

  test('hostile values that are valid paths are inert in the output', () => {
    const pathFields = targets.filter((target) => 'field' in target && String(target.field[target.field.length - 1]).endsWith('Path'));
    fc.assert(fc.property(fc.constantFrom(...pathFields), hostileValue(PATH_FRAGMENTS).map((value) => `/${value}`), checkHostile), { numRuns: 12 });
  });

  test.each([
    ['readinessPath', '/health:\n  kind: Secret'],
    ['readinessPath', '/{{ .Values.path }}'],
    ['image', 'sdaschner/barista\n---\nkind: Secret'],
    ['port', '8080\n---\napiVersion: v1'],
  ])('a newline in %s is rejected with its path', (field, value) => {
    expect(() => validateMatrix(withValue(['services', 'barista', field], value))).toThrow(`services.barista.${field}: ${JSON.stringify(value)} is not`);
  });

  test.each([
    ['ingressPath', '/---'], ['readinessPath', "/it's"], ['ingressPath', '/!!python/object:os.system'], ['readinessPath', '/&anchor'],
    ['livenessPath', '/*alias'], ['ingressPath', '/$(reboot)'], ['readinessPath', '/%0a---%0akind:%20Secret'], ['ingressPath', '/yes'],
  ])('%s %s is an inert string', (field, path) => {
    checkHostile({ field: ['services', 'coffee-shop', field] }, path);
  });
});

/**
 * Hostile values in the configuration fields (ConfigMap data values and keys, mount paths, ConfigMap and Secret
 * names): each is refused naming its field, or confined to its own field of the output (parsed as YAML 1.2 and
 * 1.1, as kubectl reads it), never in a shell script. The fields of hostile.test.ts's base, for the new fields.
 */
import fc from 'fast-check';
import { MatrixError, validateMatrix } from '../../src/matrix';
import { synthesizeFiles } from '../../src/synth';
import { baseMatrix } from '../helpers';
import { parsedYaml, placesOf, replaced, withoutPlanHash } from './bad-inputs';

const FRAGMENTS = ['\n', '\r\n', '---', '...', '{{ .Values.secret }}', ': ', '"', "'", '!!python/object:os.system', '!<tag:yaml.org,2002:js/function>',
  '!!binary', '&anchor', ' *alias', '# comment', '- item', '? key', '|', '>', '%YAML 1.1', '\t', '`id`', '\\', '\napiVersion: v1\nkind: Secret\n',
  '$(id)', ';', '\u2028', '\u0085', 'é', '[a]', 'yes', '-a', '0o17', '1e3', 'null', '~'];
const hostileValue = fc.tuple(fc.constantFrom('zz9', '/zz9'), fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 5 }))
  .map(([start, parts]) => `${start}${parts.join('')}`);

/** Where a value goes in the matrix, and where in the output it may appear. */
interface Target {
  readonly name: string;
  readonly place: (matrix: any, value: string) => void;
  /** The path in the matrix an error must name. */
  readonly field: (value: string) => string;
  /** Output fields (list indices as *) where the value may appear. */
  readonly output: readonly string[];
}

const at = 'services.coffee-shop';
const TARGETS: readonly Target[] = [
  // (A key or a name is a mapping key in the output, not a value: only the values it names are looked for.)
  { name: 'a data value', place: (m, v) => { m.services['coffee-shop'].configMaps.settings.data.mode = v; }, field: () => `${at}.configMaps.settings.data.mode`, output: ['data.mode'] },
  { name: 'a version\'s data value', place: (m, v) => { m.services['coffee-shop'].configMaps.settings.versions = { v2: { data: { mode: v } } }; },
    field: () => `${at}.configMaps.settings.versions.v2.data.mode`, output: ['data.mode'] },
  { name: 'a data key', place: (m, v) => { m.services['coffee-shop'].configMaps.settings.data[v] = 'x'; }, field: () => `${at}.configMaps.settings.data`, output: [] },
  { name: 'a mount path', place: (m, v) => { m.services['coffee-shop'].configMaps.settings.mountPath = v; }, field: () => `${at}.configMaps.settings.mountPath`,
    output: ['spec.template.spec.containers.*.volumeMounts.*.mountPath'] },
  { name: 'a ConfigMap name', place: (m, v) => { m.services['coffee-shop'].configMaps[v] = { data: {} }; }, field: () => `${at}.configMaps`, output: ['metadata.name'] },
  { name: 'a Secret name', place: (m, v) => { m.services['coffee-shop'].secrets = { [v]: { asEnv: true } }; }, field: () => `${at}.secrets`,
    output: ['spec.template.spec.containers.*.envFrom.*.secretRef.name'] },
];

function matrixWith(target: Target, value: string): unknown {
  const matrix = baseMatrix();
  matrix.services['coffee-shop'].configMaps = { settings: { data: { mode: 'slow' }, mountPath: '/etc/coffee', asEnv: true } };
  target.place(matrix, value);
  return matrix;
}

function checkHostile(target: Target, hostile: string): void {
  let files: Map<string, string>;
  try {
    files = synthesizeFiles(validateMatrix(matrixWith(target, hostile)));
  } catch (error) {
    if (!(error instanceof MatrixError)) throw error;
    expect({ hostile, paths: error.issues.map((i) => i.path) }).toEqual({ hostile, paths: [expect.stringContaining(target.field(hostile))] });
    return;
  }
  // Accepted (any value; a key or name made only of characters its rule allows): the output is the benign one's, the value in its field only.
  const benign = hostile.startsWith('/') ? '/zz9-benign' : 'zz9-benign';
  const expected = synthesizeFiles(validateMatrix(matrixWith(target, benign)));
  expect([...files.keys()]).toEqual([...expected.keys()]);
  for (const [path, content] of files) {
    const text = withoutPlanHash(content);
    const benignText = withoutPlanHash(expected.get(path)!);
    if (text === benignText) continue;
    if (!/\.(ya?ml|json)$/.test(path)) {
      // PLAN.md and apply.sh hold names where the benign one is; a script only DNS labels (as kubectl deletes them), nothing a shell interprets.
      if (path.endsWith('.sh') && text.includes(hostile)) expect({ hostile, path }).toEqual({ hostile: expect.stringMatching(/^[a-z0-9.-]+$/), path });
      expect(text.split(hostile).join(benign)).toBe(benignText);
      continue;
    }
    if (path.endsWith('.json')) {
      expect(replaced(JSON.parse(text), hostile, benign)).toEqual(JSON.parse(benignText));
      continue;
    }
    const objects = parsedYaml(benignText, '1.2');
    expect(replaced(parsedYaml(text, '1.2'), hostile, benign)).toEqual(objects);
    expect(replaced(parsedYaml(text, '1.1'), hostile, benign)).toEqual(objects);
    const misplaced = objects.flatMap((object) => placesOf(object, benign)).filter((place) => !target.output.includes(place));
    expect({ hostile, path, misplaced }).toEqual({ hostile, path, misplaced: [] });
  }
}

describe('hostile values in the configuration fields', () => {
  test.each(TARGETS.map((t) => [t.name, t] as const))('%s: refused naming its field, or confined to it', (_, target) => {
    fc.assert(fc.property(hostileValue, (value) => checkHostile(target, value)), { numRuns: 15 });
  });

  test('a value with a newline, --- and a document is a ConfigMap value, nothing else', () => {
    const value = 'a: 1\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: injected\n';
    checkHostile(TARGETS[0], value);
    const files = synthesizeFiles(validateMatrix(matrixWith(TARGETS[0], value)));
    const objects = [...files].filter(([path]) => path.endsWith('.yaml')).flatMap(([, text]) => parsedYaml(text, '1.1'));
    expect(objects.filter((o) => o?.kind === 'Secret')).toEqual([]);
    expect(objects.filter((o) => o?.kind === 'ConfigMap').map((o) => o.data.mode)).toContain(value);
  });
});

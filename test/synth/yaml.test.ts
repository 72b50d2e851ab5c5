import { Yaml } from 'cdk8s';
import fc from 'fast-check';
import { stringifyObject } from '../../src/synth/yaml';

/** Strings that exercise YAML's quoting rules: indicators, keywords, numbers, markers, escapes. */
const trickyString = fc.oneof(
  fc.string(),
  fc.constantFrom('*', '-', '---', '...', 'yes', 'No', 'ON', 'off', 'y', 'null', '~', 'true', '0x1F', '1_000', '12:30', '.inf', '-.5',
    '1e3', '2026-11-26', '#x', 'a #b', 'a: b', ': x', 'x:', ' lead', 'trail ', "it's", 'say "hi"', '{"a":1}', '[1]', '&a', '!tag',
    '%x', '@x', '`x`', '|', '>', '?', 'a\tb', '\u0007', '\u00e9t\u00e9', '\ud83d\ude00', '\\', 'C:\\x', '1.0.0', 'v1', '0777', '+1'),
  fc.stringMatching(/^[a-z0-9.:/ #"'-]{0,12}$/),
  // The shapes written without asking cdk8s: words with colons and `=` (`image:tag`, URLs), quantities,
  // decimal integers, the `*` wildcard, one-line JSON objects; and their near misses.
  fc.stringMatching(/^[A-Za-z_/][A-Za-z0-9._/:=-]{0,12}$/),
  fc.stringMatching(/^[0-9]{1,4}(\.[0-9]{1,2})?[A-Za-z]{0,3}$/),
  fc.stringMatching(/^[+-]?[0-9_:]{1,8}$/),
  fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxKeys: 3 }).map((o) => JSON.stringify(o)),
  fc.constantFrom('a:b', 'a:', 'a::', 'y:', 'on:x', 'http://x:80/y', 'PruneLast=true', 'a=', '08', '0999', '0xA', '0Xa', '0b1', '1:20',
    '5e', '1e5', '1E5', '2d', '0.5Gi', '250m', '20', '-20', '+20', '*', '**', '{"a":"b"}', "{'a':1}", '{"a":"it\'s"}', '{}', '{"a":"\u00e9"}'),
);
const scalar = fc.oneof(trickyString, fc.integer(), fc.boolean(), fc.constant(null), fc.double(), fc.constantFrom(-0, 1e21, 2 ** 60));
const key = fc.oneof(fc.stringMatching(/^[a-z][a-zA-Z0-9./-]{0,10}$/), trickyString);
const value = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('map'), tie('list')),
  map: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  list: fc.array(tie('value'), { maxLength: 3 }),
})).value;

describe('fast YAML emitter', () => {
  test('is byte-identical to cdk8s Yaml.stringify on random objects with tricky keys and scalars', () => {
    fc.assert(fc.property(fc.dictionary(key, value, { minKeys: 0, maxKeys: 5 }), (object) => {
      expect(stringifyObject(object)).toBe(Yaml.stringify(object));
    }), { numRuns: 3000 });
  });

  test('writes plain Kubernetes shapes itself (nested maps, lists of maps, empty collections, quoting)', () => {
    const object = {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'a' }, annotations: { x: '{"a":true}' } },
      spec: { ports: [{ name: 'http', port: 80 }], selector: {}, hosts: ['*', 'yes'], list: [], volumes: [{ name: 'tmp', emptyDir: {} }] },
    };
    const expected = [
      'apiVersion: v1', 'kind: Service', 'metadata:', '  name: a', '  labels:', '    app.kubernetes.io/name: a', '  annotations:',
      `    x: '{"a":true}'`, 'spec:', '  ports:', '    - name: http', '      port: 80', '  selector: {}', '  hosts:', '    - "*"',
      '    - "yes"', '  list: []', '  volumes:', '    - name: tmp', '      emptyDir: {}', '',
    ].join('\n');
    expect(stringifyObject(object)).toBe(expected);
    expect(Yaml.stringify(object)).toBe(expected);
  });
});

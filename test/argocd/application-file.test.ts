import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readApplicationFile } from '../../src/argocd/application-file';
import { InputError } from '../../src/manifest';

const file = 'dist/argocd/production.yaml';
const synthesized = readFileSync(join(__dirname, '../..', file), 'utf8');

function problemWith(text: string): string {
  try {
    readApplicationFile(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be refused');
}

describe('reading an Argo CD Application file', () => {
  test('the synthesized file gives the fields promotion needs', () => {
    const application = readApplicationFile(synthesized, file);
    expect([application.path, application.name, application.namespace]).toEqual(['dist/production/00-baseline', 'phased-rollout-production', 'argocd']);
  });

  test('a missing field is named with the line and column of the mapping that lacks it', () => {
    const text = synthesized.replace(/^ {4}path: .*\n/m, '');
    const lines = text.split('\n');
    const source = lines.findIndex((line) => line === '  source:');
    expect(problemWith(text)).toBe(`${file}:${source + 1}:3: spec.source.path is missing (expected an Argo CD Application)`);
  });

  test('a field of the wrong type is named at its line and column', () => {
    const text = synthesized.replace(/^( {2}name: ).*$/m, '$1[a, b]');
    const line = text.split('\n').findIndex((l) => l.startsWith('  name: ['));
    expect(problemWith(text)).toBe(`${file}:${line + 1}:3: metadata.name is missing (expected an Argo CD Application)`);
  });

  test('invalid YAML gives the line and column', () => {
    expect(problemWith('metadata:\n  name: [\n')).toMatch(new RegExp(`^${file}:\\d+:\\d+: invalid YAML: `));
  });

  test('a file that is no mapping', () => {
    expect(problemWith('- a\n')).toBe(`${file}:1:1: is not an Argo CD Application (expected a mapping with metadata and spec)`);
    expect(problemWith('metadata: {name: a, namespace: b}\n')).toBe(`${file}:1:1: spec is missing (expected an Argo CD Application)`);
  });
});

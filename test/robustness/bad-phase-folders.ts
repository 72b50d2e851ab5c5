/**
 * Generators of unusable environment folders for `phased-rollout verify` and `analyze`: broken manifest
 * files in a phase folder, broken folder layouts and plan.json files, paths that are no folder. Each
 * knows which file or folder the error must name.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

/** One way to break an environment folder (a copy of a synthesized one). */
export interface BadFolder {
  readonly category: string;
  /** Which commands must refuse it (analyze ignores plan.json and the phase layout). */
  readonly commands: readonly ('verify' | 'analyze')[];
  /** Breaks the folder `env` (whose phase folders are `phases`); returns the path the error must name. */
  readonly breakFolder: (env: string, phases: readonly string[]) => string;
}

const BOTH = ['verify', 'analyze'] as const;
const VERIFY = ['verify'] as const;

/** Contents of a manifest file that no command can use. */
const badManifest: fc.Arbitrary<[string, string | Buffer]> = fc.oneof(
  fc.constantFrom<[string, string]>(
    ['invalid YAML', 'kind: [Service\n'], ['a scalar', '42\n'], ['a list', '- a\n- b\n'], ['no kind', 'apiVersion: v1\nmetadata: {name: x}\n'],
    ['no name', 'apiVersion: v1\nkind: Service\nmetadata: {}\n'], ['a name that is a list', 'apiVersion: v1\nkind: Service\nmetadata: {name: [x]}\n'],
    ['a List with a bad item', 'apiVersion: v1\nkind: List\nitems: [1]\n'], ['an undefined alias', 'apiVersion: v1\nkind: *nothing\n'],
    ['a second bad document', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind\n'],
  ),
  fc.integer({ min: 100, max: 1500 }).map((depth): [string, string] => ['deep nesting', `${'['.repeat(depth)}${']'.repeat(depth)}`]),
  fc.integer({ min: 5, max: 9 }).map((levels): [string, string] => ['an alias bomb', ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]',
    ...Array.from({ length: levels }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`)].join('\n')]),
  // After `kind: `, so that no draw is by chance a comment or blank (an empty file, which is usable).
  fc.uint8Array({ minLength: 1, maxLength: 500 }).map((bytes): [string, Buffer] => ['binary bytes', Buffer.concat([Buffer.from('kind: '), bytes])]),
);

const badPhaseFile = fc.tuple(badManifest, fc.nat(), fc.constantFrom('zz-bad.yaml', 'bad.yml', 'bad.json'))
  .map(([[category, content], phase, name]): BadFolder => ({
    category: `phase file: ${category}`, commands: BOTH,
    breakFolder: (env, phases) => {
      writeFileSync(join(env, phases[phase % phases.length], name), content);
      return name;
    },
  }));

const badLayout = fc.constantFrom<BadFolder>(
  { category: 'a folder that is not a phase', commands: VERIFY, breakFolder: (env, phases) => { renameSync(join(env, phases[1]), join(env, 'prepare')); return 'prepare'; } },
  { category: 'two phases with one number', commands: VERIFY, breakFolder: (env, phases) => { renameSync(join(env, phases[1]), join(env, '00-again')); return '00-'; } },
  { category: 'an empty phase folder', commands: VERIFY, breakFolder: (env, phases) => { rmSync(join(env, phases[0]), { recursive: true }); mkdirSync(join(env, phases[0])); return phases[0]; } },
  { category: 'no phase folder', commands: VERIFY, breakFolder: (env, phases) => { phases.forEach((p) => rmSync(join(env, p), { recursive: true })); return env; } },
  { category: 'no such folder', commands: BOTH, breakFolder: (env) => { rmSync(env, { recursive: true }); return env; } },
  { category: 'a file, not a folder', commands: VERIFY, breakFolder: (env) => { rmSync(env, { recursive: true }); writeFileSync(env, 'x'); return env; } },
);

const badPlan = fc.oneof(
  fc.constantFrom('', '{', '[]', 'null', '{"phases": 5}', '{"formatVersion": 99, "phases": []}', '{"formatVersion": 2, "phases": []}', '\u0000\u0001'),
  fc.nat().map((cut) => `{"formatVersion": 2, "phases": [{"path": "00-baseline"}]}`.slice(0, 10 + (cut % 40))),
).map((content): BadFolder => ({
  category: `plan.json ${JSON.stringify(content.slice(0, 20))}`, commands: VERIFY,
  breakFolder: (env) => { writeFileSync(join(env, 'plan.json'), content); return 'plan.json'; },
}));

/** Every kind of unusable environment folder. */
export const badFolder: fc.Arbitrary<BadFolder> = fc.oneof({ arbitrary: badPhaseFile, weight: 3 }, { arbitrary: badLayout, weight: 1 }, { arbitrary: badPlan, weight: 1 });

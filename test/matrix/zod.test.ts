/**
 * src/matrix/zod.ts loads zod with its locales registered lazily: the same API (every locale, each the
 * function zod's own index gives), none of them loaded until asked for.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const node = (script: string): unknown => JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' }));

test('zod loaded through src/matrix/zod.ts has every locale of zod\'s own index, loaded only when asked for', () => {
  // Separate processes: each test of require's cache needs one of its own. lib/ is built by npm test first.
  const plain = node(`console.log(JSON.stringify(Object.keys(require('zod/v4/locales')).sort()))`) as string[];
  expect(plain).toContain('en');
  expect(plain.length).toBeGreaterThan(40);
  const lazy = node(`
    const { z } = require('./lib/src/matrix/zod');
    const loaded = () => Object.keys(require.cache).filter((f) => /zod[\\\\/]v4[\\\\/]locales[\\\\/](?!index)/.test(f) && !f.endsWith('en.cjs')).length;
    const before = loaded();
    const fr = z.locales.fr;
    const same = fr === require(require.resolve('zod/v4/locales/fr.cjs'));
    console.log(JSON.stringify({ names: Object.keys(z.locales).sort(), before, after: loaded(), same, french: typeof fr().localeError,
      english: z.string().safeParse(1).error.issues[0].message }));
  `) as { names: string[]; before: number; after: number; same: boolean; french: string; english: string };
  expect(lazy.names).toEqual(plain);
  expect(lazy.before).toBe(0);
  expect(lazy.after).toBe(1);
  expect(lazy.same).toBe(true);
  expect(lazy.french).toBe('function');
  expect(lazy.english).toBe('Invalid input: expected string, received number');
});

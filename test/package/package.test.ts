import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

describe('the npm package', () => {
  test('the compiled entry point exports the construct library', () => {
    // lib/ is what users install (npm test builds it first).
    const api = require(join(root, 'lib/src/index.js')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-require-imports -- the compiled package, loaded at run time
    for (const name of ['defineMatrix', 'Strategy', 'validateMatrix', 'loadMatrixFile', 'planEnvironment', 'synthApp', 'synthesize',
      'VersionWorkload', 'MeshService', 'VersionSubsets', 'TrafficSplit', 'EnvironmentBase', 'buildPlanFile', 'PhasedRollout', 'synthesizeExtendedEnvironment']) {
      expect(api[name]).toBeDefined();
    }
    expect(typeof api.verify.verifyPhases).toBe('function');
    expect(typeof api.analyze.analyze).toBe('function');
  });

  test('npm pack ships the command line, the compiled library and its types, not the tests', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
    const files: string[] = pack.files.map((f: { path: string }) => f.path);
    expect(pack.name).toBe('cdk8s-phased-rollout');
    expect(files).toEqual(expect.arrayContaining(['bin/phased-rollout', 'lib/src/index.js', 'lib/src/index.d.ts',
      'lib/src/cli/main.js', 'lib/imports/istio-networking.istio.io.js', 'package.json', 'README.md',
      // The JSON Schemas that editors read (examples/coffee-shop.yaml names the matrix one).
      'schemas/matrix.schema.json', 'schemas/plan.schema.json']));
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('src/') || f.startsWith('dist/'))).toEqual([]);
  });
});

/**
 * The packed library installed the way a user installs it: `npm pack`, then the tarball into a fresh
 * project next to a DIFFERENT cdk8s 2.x patch release than this project builds with, then a TypeScript
 * cdk8s app using the PhasedRollout construct, type-checked, compiled and synthesized with the real cdk8s CLI.
 *
 * SLOW (tens of seconds to minutes): it runs one `npm install` from the npm registry (CI has it; the npm
 * cache makes a second run faster). It is kept to that one install; the timeout is generous for it.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateMatrix } from '../../src/matrix';
import { synthesizeFiles } from '../../src/synth';
import { baseMatrix } from '../helpers';
import { readTree } from '../tree';

const root = resolve(__dirname, '../..');
/** The cdk8s patch release before the one in devDependencies (2.70.106; 2.70.105 was never published). */
const USER_CDK8S = '2.70.104';
const INSTALL_TIMEOUT_MS = 600_000;

const run = (command: string, args: string[], cwd: string) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test(`the packed tarball installs next to cdk8s ${USER_CDK8S} (one copy of cdk8s) and a TypeScript app with PhasedRollout synthesizes with cdk8s synth`, () => {
  const ownCdk8s = JSON.parse(readFileSync(join(root, 'node_modules/cdk8s/package.json'), 'utf8')).version;
  expect(ownCdk8s).not.toBe(USER_CDK8S);
  const project = mkdtempSync(join(tmpdir(), 'phased-rollout-install-'));
  // lib/ is built by npm test before jest runs: pack without running the prepare script again.
  const [pack] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', project], root));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', version: '1.0.0', private: true }));
  // Node 20's types (the package's declarations name node: modules; cdk8s's template still pins @types/node 14).
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(project, pack.filename), `cdk8s@${USER_CDK8S}`, 'constructs@^10.3.0', '@types/node@^20'], project);

  // One cdk8s, the user's: the library and cdk8s-plus-27 take it as a peer and bring no copy of their own.
  const installed = (dir: string) => existsSync(join(project, dir, 'package.json'));
  expect(JSON.parse(readFileSync(join(project, 'node_modules/cdk8s/package.json'), 'utf8')).version).toBe(USER_CDK8S);
  expect(['node_modules/cdk8s-phased-rollout/node_modules/cdk8s', 'node_modules/cdk8s-plus-27/node_modules/cdk8s',
    'node_modules/cdk8s-phased-rollout/node_modules/constructs'].filter(installed)).toEqual([]);

  const spec = baseMatrix();
  writeFileSync(join(project, 'main.ts'), `
import { ApiObject, App, JsonPatch } from 'cdk8s';
import { MatrixSpec, PhasedRollout } from 'cdk8s-phased-rollout';

const matrix: MatrixSpec = ${JSON.stringify(spec)};
const app = new App();
const rollout = new PhasedRollout(app, 'shop', {
  matrix,
  onVersion: (workload, { version }) => {
    ApiObject.of(workload.deployment).addJsonPatch(JsonPatch.add('/metadata/annotations', { 'example.com/version': version }));
  },
});
rollout.addToEnvironment('production', (scope, environment) => {
  new ApiObject(scope, 'menu', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'menu', namespace: environment.namespace } });
});
app.synth();
`);
  // The tsconfig.json of cdk8s's own TypeScript project template, as `cdk8s init typescript-app` writes it: no
  // esModuleInterop and no skipLibCheck, so the package's declarations must not pull in any that need them.
  copyFileSync(join(root, 'node_modules/cdk8s-cli/templates/typescript-app/tsconfig.json'), join(project, 'tsconfig.json'));
  // This project's TypeScript checks the app against the installed package's types (with the user's cdk8s types).
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
  writeFileSync(join(project, 'cdk8s.yaml'), 'language: typescript\napp: node main.js\n');
  run(join(root, 'node_modules/.bin/cdk8s'), ['synth', '--no-check-upgrade'], project);

  const files = readTree(join(project, 'dist'));
  expect([...files.keys()]).toEqual([...synthesizeFiles(validateMatrix(spec)).keys()].sort());
  expect([...files.keys()]).toEqual(expect.arrayContaining(['argocd/production.yaml', 'production/00-baseline/00-environment.k8s.yaml',
    'production/01-prepare/coffee-shop.k8s.yaml', 'production/plan.json', 'production/PLAN.md', 'production/apply.sh']));
  expect(files.get('production/01-prepare/coffee-shop.k8s.yaml')).toContain('example.com/version: v2');
  expect(files.get('production/03-cleanup/00-environment.k8s.yaml')).toContain('name: menu');
}, INSTALL_TIMEOUT_MS);

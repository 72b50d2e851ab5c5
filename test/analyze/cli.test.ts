import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run } from '../../src/cli/commands/analyze';
import { UsageError } from '../../src/cli/errors';
import { InputError } from '../../src/manifest';
import { analyze, unknownAnalyzers } from '../../src/analyze';
import { captureStdout, runLikeMain } from '../command';

const CLEAN = `
apiVersion: v1
kind: Service
metadata: {name: shop, namespace: default}
spec:
  selector: {app: shop}
  ports: [{name: http, port: 8080}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: default}
spec:
  hosts: [shop]
  http: [{route: [{destination: {host: shop}}]}]
`;
const MISSING_HOST = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  http: [{route: [{destination: {host: reviews}}]}]
`;
const INFO_ONLY = `
apiVersion: v1
kind: Service
metadata: {name: shop, namespace: default}
spec:
  ports: [{port: 8080}]
`;

let dir: string;
const stdout = captureStdout();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'analyze-cli-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

describe('phased-rollout analyze', () => {
  test('no findings: exit 0', () => {
    expect(run([file('clean.yaml', CLEAN)])).toBe(0);
    expect(stdout()).toBe('No validation issues found.\n');
  });

  test('an Error finding: exit 1, one istioctl-style line per finding', () => {
    expect(run([file('bad.yaml', MISSING_HOST), '--analyzer', 'virtualservice.DestinationHostAnalyzer'])).toBe(1);
    expect(stdout()).toBe('Error [IST0101] (VirtualService default/reviews) Referenced host not found: "reviews"\n');
  });

  test('Info findings only: exit 0', () => {
    expect(run([file('info.yaml', INFO_ONLY)])).toBe(0);
    expect(stdout()).toMatch(/^Info \[IST0118\] \(Service default\/shop\) Port name {2}\(port: 8080/);
  });

  test('a folder is read recursively and -o json prints an array of findings', () => {
    file('a.yaml', CLEAN);
    file('b.yaml', MISSING_HOST);
    expect(run([dir, '-o', 'json'])).toBe(1);
    const findings = JSON.parse(stdout()) as Record<string, string>[];
    expect(findings).toContainEqual({
      code: 'IST0101',
      level: 'Error',
      resource: 'VirtualService default/reviews',
      message: 'Referenced host not found: "reviews"',
      analyzer: 'virtualservice.DestinationHostAnalyzer',
    });
    expect(findings.every((finding) => Object.keys(finding).sort().join() === 'analyzer,code,level,message,resource')).toBe(true);
  });

  test('--analyzer limits the run to the named analyzers', () => {
    const path = file('bad.yaml', MISSING_HOST);
    expect(run([path, '--analyzer', 'service.PortNameAnalyzer', '-o', 'json'])).toBe(0);
    expect(JSON.parse(stdout())).toEqual([]);
    stdout.reset();
    expect(run([path, '--analyzer', 'service.PortNameAnalyzer', '--analyzer', 'virtualservice.DestinationRuleAnalyzer',
      '--analyzer', 'virtualservice.DestinationHostAnalyzer', '-o', 'json'])).toBe(1);
    expect((JSON.parse(stdout()) as { analyzer: string }[]).map((f) => f.analyzer)).toEqual(['virtualservice.DestinationHostAnalyzer']);
  });

  test('an unknown analyzer is a usage error (exit 2) naming the valid ones', () => {
    const attempt = () => run([file('clean.yaml', CLEAN), '--analyzer', 'virtualservice.Nope']);
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(/unknown analyzer "virtualservice.Nope".*\n.*virtualservice.DestinationRuleAnalyzer/);
  });

  test.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'a name inherited from Object (%s) is an unknown analyzer too: exit 2 naming the valid ones, never "no issues"',
    async (name) => {
      const outcome = await runLikeMain(run, [file('bad.yaml', MISSING_HOST), '--analyzer', name]);
      expect(outcome.code).toBe(2);
      expect(outcome.error).toContain(`unknown analyzer "${name}"; valid analyzers:\n  virtualservice.DestinationRuleAnalyzer\n`);
      expect(stdout()).toBe('');
    },
  );

  test('the library refuses an inherited name as well', () => {
    expect(unknownAnalyzers(['toString', 'service.PortNameAnalyzer'])).toEqual(['toString']);
    expect(() => analyze([], { analyzers: ['constructor'] })).toThrow('unknown analyzer constructor');
  });

  test('unusable usage or input is exit 2 (UsageError / InputError)', () => {
    expect(() => run([])).toThrow(UsageError);
    expect(() => run([file('clean.yaml', CLEAN), '--bogus'])).toThrow(UsageError);
    expect(() => run([file('clean.yaml', CLEAN), '-o', 'yaml'])).toThrow(new UsageError('-o must be text or json, not "yaml"'));
    expect(() => run([join(dir, 'missing.yaml')])).toThrow(InputError);
    expect(() => run([file('broken.yaml', 'kind: [')])).toThrow(InputError);
  });

  test('input with no objects, or a whole environment folder, is refused (exit 2) rather than found clean', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.txt'), 'not a manifest\n');
    expect(() => run([empty])).toThrow(new InputError(`no Kubernetes objects in ${empty} (expected YAML or JSON manifests)`));
    const environment = resolve(__dirname, '../../dist/production');
    expect(() => run([environment])).toThrow(new UsageError(`${environment} is an environment folder (it holds plan.json): analyze one phase folder of it, e.g. ${join(environment, '01-prepare')}`));
    // A hand-written environment has no plan.json: its phase folders give it away.
    const handWritten = join(dir, 'hand-written');
    for (const phase of ['00-baseline', '01-prepare']) {
      mkdirSync(join(handWritten, phase), { recursive: true });
      writeFileSync(join(handWritten, phase, 'clean.yaml'), CLEAN);
    }
    expect(() => run([handWritten])).toThrow(new UsageError(`${handWritten} is an environment folder (it holds phase folders 00-baseline, 01-prepare): analyze one phase folder of it, e.g. ${join(handWritten, '00-baseline')}`));
    expect(run([join(handWritten, '01-prepare')])).toBe(0);
  });
});

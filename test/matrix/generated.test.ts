import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { generatedFiles } from '../../scripts/generate';
import { run } from '../../src/cli/commands/schema';
import { captureStdout, runLikeMain } from '../command';

const root = join(__dirname, '../..');
const files = generatedFiles();

describe('files generated from the input schemas', () => {
  test.each([...files.keys()])('%s is what `npm run generate` writes (run it after changing a schema)', (path) => {
    expect(readFileSync(join(root, path), 'utf8')).toBe(files.get(path));
  });

  test('the package ships the schemas', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
    expect(manifest.files).toContain('schemas');
  });

  test('the example matrix names the schema for editors, and the schema accepts it', () => {
    const text = readFileSync(join(root, 'examples/coffee-shop.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/matrix.schema.json');
    const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(files.get('schemas/matrix.schema.json')!));
    expect(validate(parse(text))).toBe(true);
    // An editor flags a misspelled field and a port out of range.
    const broken = parse(text) as { services: Record<string, Record<string, unknown>> };
    broken.services['coffee-shop'].prot = 8080;
    broken.services.barista.port = 0;
    expect(validate(broken)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath)).toEqual(expect.arrayContaining(['/services/coffee-shop', '/services/barista/port']));
  });

  test('editors check the Kubernetes fields of a service with Kubernetes\' schema, and refuse the fields the product sets', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(files.get('schemas/matrix.schema.json')!));
    const matrix = parse(readFileSync(join(root, 'examples/coffee-shop.yaml'), 'utf8')) as { services: Record<string, Record<string, unknown>> };
    const barista = matrix.services.barista;
    barista.container = { env: [{ name: 'LOG_DIR', value: '/tmp' }], volumeMounts: [{ name: 'cache', mountPath: '/cache' }] };
    barista.pod = { serviceAccountName: 'barista', volumes: [{ name: 'cache', emptyDir: {} }] };
    barista.versions = { ...(barista.versions as object), v9: { image: 'docker.io/x/barista', tag: '9', env: [{ name: 'A', value: 'b' }] } };
    expect(validate(matrix)).toBe(true);
    expect(validate(parse(readFileSync(join(root, 'examples/bookinfo.yaml'), 'utf8')))).toBe(true);
    barista.container = { evn: [], name: 'barista', env: [{ name: 'A', value: 1 }] };
    expect(validate(matrix)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath)).toEqual(expect.arrayContaining(
      ['/services/barista/container', '/services/barista/container/name', '/services/barista/container/env/0/value']));
  });

  test('every plan.json synthesis writes passes the plan schema', () => {
    const validate = new Ajv({ strict: false }).compile(JSON.parse(files.get('schemas/plan.schema.json')!));
    for (const env of ['production', 'staging']) {
      expect(validate(JSON.parse(readFileSync(join(root, 'dist', env, 'plan.json'), 'utf8')))).toBe(true);
    }
  });
});

describe('phased-rollout schema', () => {
  const stdout = captureStdout();

  test.each(['matrix', 'plan'])('prints the JSON Schema of %s, as the package ships it', async (name) => {
    expect(await runLikeMain(run, [name])).toEqual({ code: 0 });
    expect(stdout()).toBe(readFileSync(join(root, `schemas/${name}.schema.json`), 'utf8'));
  });

  test.each([[['plans']], [[]], [['matrix', 'plan']], [['constructor']]])('%j is a usage error listing the schema names', async (argv) => {
    const outcome = await runLikeMain(run, argv);
    expect(outcome.code).toBe(2);
    expect(outcome.error).toMatch(/^expected one schema name \(matrix, plan\)/);
    expect(stdout()).toBe('');
  });
});

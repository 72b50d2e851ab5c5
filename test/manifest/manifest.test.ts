import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { InputError, listManifestFiles, listPhaseFolder, loadManifests, ManifestReader, manifestFiles, parseManifests, readManifestFile, resourceName } from '../../src/manifest';
import { loadPhases } from '../../src/verify/load';
import { ObjectData } from '../helpers';

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\n  namespace: prod\nspec:\n  selector:\n    app: shop\n';
const dir = () => mkdtempSync(join(tmpdir(), 'manifest-'));
const inputError = (action: () => unknown): string => {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
};

describe('parsing manifests', () => {
  test('several documents, a List, empty documents', () => {
    const list = 'apiVersion: v1\nkind: List\nmetadata:\n  name: l\nitems:\n  - ' + SERVICE.replace(/\n(?=.)/g, '\n    ');
    const objects = parseManifests(`---\n${SERVICE}---\n---\n${list}`, 'f.yaml');
    expect(objects.map(resourceName)).toEqual(['Service prod/shop', 'Service prod/shop']);
  });

  test('anchors and aliases go through the strict parser and give the same objects', () => {
    const anchored = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\n  namespace: prod\n  labels: &l\n    app: shop\nspec:\n  selector: *l\n';
    expect(parseManifests(anchored, 'a.yaml')).toEqual(parseManifests(SERVICE.replace('  namespace: prod\n', '  namespace: prod\n  labels:\n    app: shop\n'), 'b.yaml'));
  });

  test('an alias bomb is refused', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) =>
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    expect(inputError(() => parseManifests(bomb, 'bomb.yaml'))).toMatch(/^bomb\.yaml:1: invalid YAML: aliases expand to more than/);
  });

  test('duplicate keys are refused', () => {
    expect(inputError(() => parseManifests(`${SERVICE}kind: Pod\n`, 'dup.yaml'))).toBe('dup.yaml:9: the key kind appears twice in one mapping: remove one');
  });

  test('deep nesting is refused before parsing, in flow and in block style', () => {
    expect(inputError(() => parseManifests('['.repeat(100_000), 'flow.yaml'))).toBe('flow.yaml:1: nested more than 64 levels deep');
    const block = Array.from({ length: 70 }, (_, i) => `${' '.repeat(2 * i)}a:`).join('\n');
    expect(inputError(() => parseManifests(block, 'block.yaml'))).toBe('block.yaml:1: nested more than 64 levels deep');
    expect(parseManifests(`${SERVICE}  note: "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["\n`, 'quoted.yaml')).toHaveLength(1);
  });

  test('a file read again under its name (the next phase folder) in one run shares its unchanged documents and reads the changed ones', () => {
    const reader = new ManifestReader();
    const pod = (image: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  image: ${image}\n`;
    const [service, v1]: ObjectData[] = reader.parse(`${SERVICE}---\n${pod('v1')}`, '00-baseline/shop.yaml');
    const [sameService, v2]: ObjectData[] = reader.parse(`${SERVICE}---\n${pod('v2')}`, '01-prepare/shop.yaml');
    expect(sameService).toBe(service);
    expect(v1.spec.image).toBe('v1');
    expect(v2.spec.image).toBe('v2');
    const again = reader.parse(`${SERVICE}---\n${pod('v2')}`, '02-switch/shop.yaml');
    expect(again[1]).toBe(v2);
    // Another file name, or the old text again, parses correctly whatever was read before.
    const [other]: ObjectData[] = reader.parse(pod('v3'), '02-switch/other.yaml');
    expect(other.spec.image).toBe('v3');
    const [, back]: ObjectData[] = reader.parse(`${SERVICE}---\n${pod('v1')}`, '03-back/shop.yaml');
    expect(back.spec.image).toBe('v1');
    // What a run remembers ends with it: another run (or a plain parseManifests) reads the file afresh.
    expect(parseManifests(`${SERVICE}---\n${pod('v2')}`, '04-again/shop.yaml')[0]).not.toBe(service);
  });

  test('a file of many documents read again: moved and unchanged documents shared, changed ones read', () => {
    const reader = new ManifestReader();
    const config = (i: number, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  v: ${value}\n`;
    const first = reader.parse(Array.from({ length: 20 }, (_, i) => config(i, 'a')).join('---\n'), '00-one/all.yaml');
    // Reversed, and document 5 changed: neither the same place nor the same text for every document.
    const texts = Array.from({ length: 20 }, (_, i) => config(i, i === 5 ? 'b' : 'a')).reverse();
    const second = reader.parse(texts.join('---\n'), '01-two/all.yaml');
    expect(second.map((o) => o.metadata.name)).toEqual(Array.from({ length: 20 }, (_, i) => `c${19 - i}`));
    expect(second[18]).toBe(first[1]); // (the first document's text has no leading line break: c0 moved out of that place)
    expect(second[14]).not.toBe(first[5]);
    expect((second[14] as any).data.v).toBe('b');
  });

  test('a Kustomization is refused as such, not as an object without a name', () => {
    expect(inputError(() => parseManifests('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- app.yaml\n', 'kustomization.yaml')))
      .toBe('kustomization.yaml:1: a Kustomization, which kubectl apply -f does not build: a phase folder holds the rendered manifests (write the output of kustomize build into it)');
  });

  test('an object without kind or name is refused, naming the document', () => {
    expect(inputError(() => parseManifests(`${SERVICE}---\napiVersion: v1\nkind: Pod\n`, 'p.yaml'))).toBe('p.yaml:10: object without metadata.name');
  });
});

describe('reading manifest files and folders', () => {
  test('folders are read recursively in name order; plan.json and non-manifest files are skipped', () => {
    const root = dir();
    mkdirSync(join(root, 'b'));
    writeFileSync(join(root, 'b', 'z.yaml'), SERVICE.replace('shop', 'two'));
    writeFileSync(join(root, 'a.yml'), SERVICE);
    writeFileSync(join(root, 'plan.json'), '{}');
    writeFileSync(join(root, 'notes.md'), '# no');
    expect(manifestFiles(root)).toEqual([join(root, 'a.yml'), join(root, 'b', 'z.yaml')]);
    expect(loadManifests([root]).map(resourceName)).toEqual(['Service prod/shop', 'Service prod/two']);
  });

  test('a FIFO is skipped inside a folder, and refused without blocking when named', () => {
    const root = dir();
    writeFileSync(join(root, 'a.yaml'), SERVICE);
    execFileSync('mkfifo', [join(root, 'pipe.yaml')]);
    expect(manifestFiles(root)).toEqual([join(root, 'a.yaml')]);
    expect(inputError(() => readManifestFile(join(root, 'pipe.yaml'), root))).toBe('pipe.yaml: not a regular file');
  });

  // Paths not listed as regular files are asked what they are before being opened (opening a device can act);
  // a path listed as regular that changed since the listing is still refused, after a non-blocking open.
  test.each([['not listed', false], ['listed as regular, changed since', true]])(
    'a FIFO with a writer, a device, a socket and a folder named like a file are not regular files (%s)', async (_case, listedRegular) => {
      const root = dir();
      const fifo = join(root, 'fed.yaml');
      execFileSync('mkfifo', [fifo]);
      // Hold both ends open: a reader must read with a writer present and no data yet (EAGAIN), never block.
      const held = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
      const writer = openSync(fifo, constants.O_WRONLY);
      try {
        expect(inputError(() => readManifestFile(fifo, root, listedRegular))).toBe('fed.yaml: not a regular file');
      } finally {
        closeSync(writer);
        closeSync(held);
      }
      expect(inputError(() => readManifestFile('/dev/zero', root, listedRegular))).toMatch(/dev\/zero: not a regular file$/);
      mkdirSync(join(root, 'folder.yaml'));
      expect(inputError(() => readManifestFile(join(root, 'folder.yaml'), root, listedRegular))).toBe('folder.yaml: not a regular file');
      const socket = createServer();
      await new Promise<void>((resolve) => socket.listen(join(root, 'socket.yaml'), resolve));
      try {
        expect(inputError(() => readManifestFile(join(root, 'socket.yaml'), root, listedRegular))).toBe('socket.yaml: not a regular file');
      } finally {
        socket.close();
      }
    });

  test('links in a folder are read when they lead to regular files, and refused otherwise', () => {
    const root = dir();
    writeFileSync(join(root, 'real.yaml'), SERVICE);
    symlinkSync(join(root, 'real.yaml'), join(root, 'link.yaml'));
    symlinkSync('/dev/zero', join(root, 'zero.yaml'));
    expect(listManifestFiles(root)).toEqual([
      { path: join(root, 'link.yaml'), listedRegular: false },
      { path: join(root, 'real.yaml'), listedRegular: true },
      { path: join(root, 'zero.yaml'), listedRegular: false },
    ]);
    expect(inputError(() => loadManifests([root]))).toBe(`${relative(process.cwd(), join(root, 'zero.yaml'))}: not a regular file`);
    rmSync(join(root, 'zero.yaml'));
    expect(loadManifests([root]).map(resourceName)).toEqual(['Service prod/shop', 'Service prod/shop']);
  });

  test('a file larger than 16 MiB is refused without parsing', () => {
    const root = dir();
    writeFileSync(join(root, 'big.yaml'), `${SERVICE}# ${'x'.repeat(17 * 1024 * 1024)}\n`);
    expect(inputError(() => readManifestFile(join(root, 'big.yaml'), root))).toBe('big.yaml: larger than 16 MiB');
  });

  test('a missing path', () => {
    expect(inputError(() => manifestFiles('/nonexistent/folder'))).toBe('/nonexistent/folder: no such file or directory');
  });
});

describe('phase folders are read as `kubectl apply -f <folder>` (no -R) reads them', () => {
  const environment = () => {
    const root = dir();
    mkdirSync(join(root, '00-baseline'));
    writeFileSync(join(root, '00-baseline', 'shop.yaml'), SERVICE);
    return root;
  };

  test('a sub-folder in a phase folder is refused, naming it: kubectl would not apply what it holds', () => {
    const root = environment();
    mkdirSync(join(root, '00-baseline', 'switch'));
    writeFileSync(join(root, '00-baseline', 'switch', 'route.yaml'), SERVICE.replace('shop', 'route'));
    expect(inputError(() => loadPhases(root))).toBe(
      '00-baseline/switch: a sub-folder in a phase folder: kubectl apply -f 00-baseline reads no sub-folders (no -R), so its objects would never be applied; move its files into 00-baseline');
    // analyze reads any folder recursively, as before.
    expect(loadManifests([join(root, '00-baseline')]).map(resourceName)).toEqual(['Service prod/shop', 'Service prod/route']);
  });

  test('files directly in the folder, in byte order, plan.json included (kubectl applies it); other names skipped; a FIFO refused', () => {
    const root = environment();
    const phase = join(root, '00-baseline');
    for (const name of ['\u{1f600}.yaml', '\uff5e.yaml', '.hidden.yml']) writeFileSync(join(phase, name), SERVICE);
    writeFileSync(join(phase, 'notes.txt'), 'x');
    writeFileSync(join(phase, 'upper.YAML'), 'x');
    expect(listPhaseFolder(phase, root).map((file) => file.path.slice(phase.length + 1))).toEqual(['.hidden.yml', 'shop.yaml', '\uff5e.yaml', '\u{1f600}.yaml']);
    writeFileSync(join(phase, 'plan.json'), '{"environment": "x"}');
    expect(inputError(() => loadPhases(root))).toBe('00-baseline/plan.json:1: object without apiVersion, kind, metadata.name');
    rmSync(join(phase, 'plan.json'));
    execFileSync('mkfifo', [join(phase, 'pipe.yaml')]);
    expect(inputError(() => loadPhases(root))).toBe('00-baseline/pipe.yaml: not a regular file');
  });
});

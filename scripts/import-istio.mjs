#!/usr/bin/env node
// Regenerates imports/istio-networking.istio.io.ts from Istio's published CRDs in ../shared/schemas.
// The full CRD file makes a 1.2 MB module that slows tsc ~10x; we trim it to the three kinds and the
// one API version (networking.istio.io/v1) that we render, in a temporary folder outside the repo.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const source = resolve(root, '../shared/schemas/istio-1.30.3/customresourcedefinitions.gen.yaml');
const kinds = new Set(['VirtualService', 'DestinationRule', 'Gateway']);

const crds = parseAllDocuments(readFileSync(source, 'utf8'))
  .map((doc) => doc.toJS())
  .filter((crd) => crd && crd.spec && crd.spec.group === 'networking.istio.io' && kinds.has(crd.spec.names.kind))
  .map((crd) => ({ ...crd, spec: { ...crd.spec, versions: crd.spec.versions.filter((v) => v.name === 'v1') } }));
if (crds.length !== kinds.size) throw new Error(`expected ${kinds.size} CRDs in ${source}, found ${crds.length}`);

const work = mkdtempSync(join(tmpdir(), 'istio-crds-'));
try {
  const trimmed = join(work, 'istio-networking.yaml');
  writeFileSync(trimmed, crds.map((crd) => stringify(crd)).join('---\n'));
  execFileSync('npx', ['cdk8s', 'import', '--no-check-upgrade', '--no-save', '--language', 'typescript',
    '--output', join(root, 'imports'), `istio:=${trimmed}`], { stdio: 'inherit', cwd: root });
} finally {
  rmSync(work, { recursive: true, force: true });
}

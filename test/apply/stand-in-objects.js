#!/usr/bin/env node
/*
 * The object store of the stand-in cluster (test/apply/stand-in.ts): the kubectl calls that read or change
 * objects, answered from $STANDIN_STATE/objects.json as the API server would. Plain JavaScript, loaded by
 * node without a compiler, so that a call costs a node start-up (tens of milliseconds) and no more.
 *
 *   apply ... -f DIR|FILE              stores each object as the server keeps it: the applied fields, plus the
 *                                      fields the server sets (uid, resourceVersion, status) and its defaults
 *   delete RESOURCE/NAME [-n NS]       removes one object
 *   get -f PATH... -o json [--ignore-not-found]
 *                                      the stored objects the files name, one object or a List, as kubectl prints
 *   diff ... -f DIR                    exit 0 when applying DIR would change nothing, 1 with a diff when it would
 *
 * Files are read with the `yaml` package (multi-document YAML and JSON): kubectl itself cannot read files
 * without an API server to ask for their kinds.
 */
'use strict';
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const YAML = require('yaml');

const state = process.env.STANDIN_STATE;
const store = join(state, 'objects.json');
const args = process.argv.slice(2).filter((arg) => !arg.startsWith('--context=') && !arg.startsWith('--request-timeout='));

const load = () => (existsSync(store) ? JSON.parse(readFileSync(store, 'utf8')) : {});
const save = (objects) => writeFileSync(store, `${JSON.stringify(objects, null, 1)}\n`);
const group = (apiVersion) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const keyOf = (o) => `${group(o.apiVersion)}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const label = (o) => `${o.kind.toLowerCase()}${group(o.apiVersion) ? `.${group(o.apiVersion)}` : ''}/${o.metadata.name}`;

/** The objects of the files `-f` names (a folder: its .yaml, .yml and .json files, in name order, as kubectl reads it). */
function objectsOf(path) {
  const files = statSync(path).isDirectory()
    ? readdirSync(path).filter((f) => /\.(ya?ml|json)$/.test(f)).sort().map((f) => join(path, f))
    : [path];
  return files.flatMap((file) => YAML.parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJSON()).filter((o) => o && o.kind));
}

const paths = () => args.flatMap((arg, i) => (arg === '-f' ? [args[i + 1]] : []));

/** What the server keeps of an applied object: its fields, the server's defaults for the kinds below, and its own fields. */
function asStored(applied, before) {
  const o = JSON.parse(JSON.stringify(applied));
  o.metadata.namespace ??= o.kind === 'Namespace' ? undefined : 'default';
  o.metadata.uid = before?.metadata.uid ?? `uid-${keyOf(o).replace(/[^a-z0-9]+/gi, '-')}`;
  o.metadata.resourceVersion = String(Number(before?.metadata.resourceVersion ?? 0) + 1);
  o.metadata.creationTimestamp = before?.metadata.creationTimestamp ?? '2026-01-01T00:00:00Z';
  o.metadata.managedFields = [{ manager: 'phased-rollout', operation: 'Apply', apiVersion: o.apiVersion, fieldsType: 'FieldsV1' }];
  if (o.kind === 'Deployment') {
    o.metadata.generation = Number(before?.metadata.generation ?? 0) + 1;
    o.metadata.annotations = { ...o.metadata.annotations, 'deployment.kubernetes.io/revision': '1' };
    o.spec.revisionHistoryLimit ??= 10;
    o.spec.progressDeadlineSeconds ??= 600;
    o.spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
    const pod = o.spec.template.spec;
    pod.dnsPolicy ??= 'ClusterFirst';
    pod.restartPolicy ??= 'Always';
    pod.schedulerName ??= 'default-scheduler';
    for (const c of pod.containers ?? []) {
      c.terminationMessagePath ??= '/dev/termination-log';
      c.imagePullPolicy ??= 'IfNotPresent';
    }
    o.status = { replicas: o.spec.replicas ?? 1, readyReplicas: o.spec.replicas ?? 1, observedGeneration: o.metadata.generation };
  }
  if (o.kind === 'Service') {
    o.spec.clusterIP ??= before?.spec?.clusterIP ?? '10.96.0.10';
    o.spec.sessionAffinity ??= 'None';
    o.spec.type ??= 'ClusterIP';
    for (const p of o.spec.ports ?? []) {
      p.protocol ??= 'TCP';
      p.targetPort ??= p.port;
    }
  }
  return o;
}

/** The object without the fields that change on every write, for comparing what is stored with what would be. */
function comparable(o) {
  const { resourceVersion, generation, managedFields, ...metadata } = o.metadata;
  const copy = { ...o, metadata };
  if (copy.status && o.kind === 'Deployment') delete copy.status.observedGeneration;
  return copy;
}

const [verb] = args.filter((a) => !a.startsWith('-'));
const objects = load();
if (verb === 'apply') {
  for (const path of paths()) {
    for (const applied of objectsOf(path)) {
      const stored = asStored(applied, objects[keyOf(applied)]);
      objects[keyOf(stored)] = stored;
      process.stdout.write(`${label(stored)} serverside-applied\n`);
    }
  }
  save(objects);
} else if (verb === 'delete') {
  const [resource, name] = args[args.indexOf('delete') + 1].split('/');
  const n = args.indexOf('-n');
  const namespace = n < 0 ? 'default' : args[n + 1];
  const key = Object.keys(objects).find((k) => {
    const o = objects[k];
    return label(o) === `${resource}/${name}` && (o.metadata.namespace ?? '') === namespace;
  });
  if (key) {
    delete objects[key];
    save(objects);
    process.stdout.write(`${resource}/${name} deleted\n`);
  }
} else if (verb === 'get') {
  const found = [];
  for (const path of paths()) {
    for (const named of objectsOf(path)) {
      const stored = objects[keyOf(asStored(named))];
      if (stored) found.push(stored);
      else if (!args.includes('--ignore-not-found')) {
        process.stderr.write(`Error from server (NotFound): ${named.kind.toLowerCase()} "${named.metadata.name}" not found\n`);
        process.exitCode = 1;
      }
    }
  }
  const o = args.indexOf('-o');
  if (args[o + 1] === 'name') process.stdout.write(found.map((f) => `${label(f)}\n`).join(''));
  else if (found.length === 1) process.stdout.write(`${JSON.stringify(found[0], null, 4)}\n`);
  else if (found.length > 1) process.stdout.write(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: found, metadata: { resourceVersion: '' } }, null, 4)}\n`);
} else if (verb === 'diff') {
  let differs = false;
  for (const path of paths()) {
    for (const applied of objectsOf(path)) {
      const before = objects[keyOf(asStored(applied))];
      const live = before ? JSON.stringify(comparable(before), null, 2).split('\n') : [];
      const merged = JSON.stringify(comparable(asStored(applied, before)), null, 2).split('\n');
      if (live.join('\n') === merged.join('\n')) continue;
      differs = true;
      const name = `${applied.apiVersion.replace('/', '.')}.${applied.kind}.${applied.metadata.namespace ?? ''}.${applied.metadata.name}`;
      process.stdout.write(`diff -u -N /tmp/LIVE/${name} /tmp/MERGED/${name}\n--- /tmp/LIVE/${name}\n+++ /tmp/MERGED/${name}\n`);
      const [a, b] = [new Set(live), new Set(merged)];
      for (const line of live) if (!b.has(line)) process.stdout.write(`-${line}\n`);
      for (const line of merged) if (!a.has(line)) process.stdout.write(`+${line}\n`);
    }
  }
  process.exitCode = differs ? 1 : 0;
} else {
  process.stderr.write(`stand-in cluster: unexpected call kubectl ${args.join(' ')}\n`);
  process.exitCode = 2;
}

/**
 * Writes every file generated from the code (`npm run generate`): the JSON Schemas the package ships
 * (schemas/<name>.schema.json, also printed by `phased-rollout schema <name>`), the matrix reference page
 * (docs/matrix.md) and the pages of scripts/docs.ts (docs/rules.md). test/matrix/generated.test.ts and
 * test/docs/docs.test.ts fail when a committed one is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { INPUT_SCHEMAS } from '../src/cli/commands/schema';
import { jsonSchemaText, referenceMarkdown } from '../src/matrix/json-schema';
import { GENERATED_PAGES } from './docs';

/** Each generated file, by its path from the repository root, with its content. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, schema] of Object.entries(INPUT_SCHEMAS)) files.set(`schemas/${name}.schema.json`, jsonSchemaText(schema));
  files.set('docs/matrix.md', referenceMarkdown(INPUT_SCHEMAS.matrix, {
    title: 'The version matrix',
    generatedBy: 'npm run generate (scripts/generate.ts)',
    intro: [
      'Every field of a matrix file (`phased-rollout synth --matrix FILE`, YAML or JSON) and of `defineMatrix` in TypeScript.',
      'The same definition (src/matrix/schema.ts) gives the JSON Schema `schemas/matrix.schema.json` (`phased-rollout schema matrix`):',
      'name it in the first line of a YAML matrix for completion and checks in your editor:',
      '',
      '```yaml',
      '# yaml-language-server: $schema=./node_modules/cdk8s-phased-rollout/schemas/matrix.schema.json',
      '```',
      '',
      'Beyond what the table says, loading a matrix checks what refers across fields: releases name declared environments,',
      'services and versions; `from` and `to` differ; each version has its own image reference; `latest` needs `allowMutableTags`;',
      '`terminationGracePeriodSeconds` exceeds `preStopSeconds`; namespaces are unique; generated names',
      '(`<service>-<version>` Deployments, `<service>-gateway` VirtualServices) fit 63 characters and do not collide;',
      'the ingress paths of services exposed through one Gateway do not overlap; `argocd` is no environment name.',
      'The Kubernetes fields (`container`, `pod`, env, scheduling) take Kubernetes 1.27\'s own fields, linked below; loading checks',
      'that mounts name declared volumes, container, volume and port names are unique, port names follow Istio\'s `<protocol>[-<suffix>]`,',
      'probes name declared ports, no secret-like variable has a literal value (use `valueFrom.secretKeyRef`), pod labels `app` and',
      '`version` are left to the product, and settings beyond the restricted Pod Security profile are allowed by `podSecurity`.',
    ].join('\n'),
  }));
  for (const page of GENERATED_PAGES) files.set(page.path, page.render());
  return files;
}

if (require.main === module) {
  const root = join(__dirname, '..');
  for (const [path, content] of generatedFiles()) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
    console.log(`wrote ${path}`);
  }
}

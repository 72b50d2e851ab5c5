/** Shared test helpers: run analyzers on inline YAML. */
import { analyze, Finding } from '../../src/analyze';
import { parseManifests } from '../../src/manifest';

/** The findings of one analyzer on a YAML text, read as Istio's analyzer tests read theirs (no namespace stays none). */
export function findingsOf(analyzer: string, yaml: string): Finding[] {
  return analyze(parseManifests(yaml, 'inline.yaml'), { analyzers: [analyzer], defaultNamespace: undefined });
}

/** The findings of one analyzer on a YAML text, as `CODE resource` strings. */
export function codesOf(analyzer: string, yaml: string): string[] {
  return findingsOf(analyzer, yaml).map((finding) => `${finding.code} ${finding.resource}`);
}

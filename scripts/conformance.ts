/**
 * Conformance with `istioctl analyze`: runs each case of Istio's analyzer test data
 * (../shared/istio-analyzer-testdata/cases.json, beside the repository) with exactly its analyzer and
 * compares the findings with the expected multiset of (code, resource).
 *
 * Usage: npx tsx scripts/conformance.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyze } from '../src/analyze';
import { loadManifests } from '../src/manifest';

/** Where the test data lives: beside the repository, never copied into it. */
export const TESTDATA_DIR = resolve(__dirname, '..', '..', 'shared', 'istio-analyzer-testdata');

/** One case of cases.json. */
export interface ConformanceCase {
  /** Istio's test-case name. */
  readonly name: string;
  /** The one analyzer the case runs. */
  readonly analyzer: string;
  /** Input files, relative to the test-data folder. */
  readonly inputFiles: readonly string[];
  /** Expected findings (order ignored). */
  readonly expected: readonly { readonly code: string; readonly resource: string }[];
}

/** The outcome of one case. */
export interface CaseResult {
  /** The case's name. */
  readonly name: string;
  /** Expected `CODE resource` entries that were not found (with repetitions). */
  readonly missing: readonly string[];
  /** Found `CODE resource` entries that were not expected (with repetitions). */
  readonly unexpected: readonly string[];
}

/** Reads cases.json; fails with a clear message when the test data is not beside the repository. */
export function loadCases(dir = TESTDATA_DIR): ConformanceCase[] {
  const file = join(dir, 'cases.json');
  if (!existsSync(file)) throw new Error(`conformance data not found: ${file} (expected ../shared/istio-analyzer-testdata beside the repository)`);
  return JSON.parse(readFileSync(file, 'utf8')) as ConformanceCase[];
}

/** Entries of `actual` beyond those of `expected`, as multisets. */
function surplus(actual: readonly string[], expected: readonly string[]): string[] {
  const remaining = [...expected];
  return actual.filter((entry) => {
    const index = remaining.indexOf(entry);
    if (index < 0) return true;
    remaining.splice(index, 1);
    return false;
  });
}

/** Runs one case with its analyzer only. */
export function runCase(testCase: ConformanceCase, dir = TESTDATA_DIR): CaseResult {
  const objects = loadManifests(testCase.inputFiles.map((file) => join(dir, file)));
  // As Istio's analyzer tests read their files: objects without a namespace stay in none.
  const found = analyze(objects, { analyzers: [testCase.analyzer], defaultNamespace: undefined }).map((finding) => `${finding.code} ${finding.resource}`);
  const expected = testCase.expected.map((entry) => `${entry.code} ${entry.resource}`);
  return { name: testCase.name, missing: surplus(expected, found), unexpected: surplus(found, expected) };
}

/** True when a case's findings equal its expected ones. */
export function passed(result: CaseResult): boolean {
  return result.missing.length === 0 && result.unexpected.length === 0;
}

function main(): number {
  const results = loadCases().map((testCase) => runCase(testCase));
  for (const result of results.filter((r) => !passed(r))) {
    const differences = [...result.missing.map((entry) => `missing ${entry}`), ...result.unexpected.map((entry) => `unexpected ${entry}`)];
    process.stdout.write(`FAIL ${result.name}: ${differences.join('; ')}\n`);
  }
  const failed = results.filter((r) => !passed(r)).length;
  process.stdout.write(`${results.length - failed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main();

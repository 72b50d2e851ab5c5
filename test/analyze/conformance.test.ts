import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCases, runCase, TESTDATA_DIR } from '../../scripts/conformance';

/** Istio's own analyzer test cases (../shared/istio-analyzer-testdata), run exactly as scripts/conformance.ts runs them. */
describe('conformance with istioctl analyze', () => {
  test('the test data is beside the repository', () => {
    if (!existsSync(join(TESTDATA_DIR, 'cases.json'))) {
      throw new Error(`Istio analyzer test data missing: ${TESTDATA_DIR}/cases.json (it lives in ../shared, outside the repository)`);
    }
  });

  const cases = existsSync(join(TESTDATA_DIR, 'cases.json')) ? loadCases() : [];

  test('there are cases for every Istio analyzer implemented', () => {
    expect(new Set(cases.map((c) => c.analyzer)).size).toBe(9);
  });

  for (const testCase of cases) {
    test(testCase.name, () => {
      expect(runCase(testCase)).toEqual({ name: testCase.name, missing: [], unexpected: [] });
    });
  }
});

/**
 * What one verification remembers of the objects does not outlive it: a caller that changes an object between
 * two verifications (a library user building phases in place) gets the verdict of the changed object.
 */
import { verifyPhases } from '../../src/verify';
import { phase, serviceObjects } from './fixtures';

test('a second verification reads objects afresh: a change made in place between two calls is seen', () => {
  const before = serviceObjects('shop', { name: 'web', deployments: ['v1'], weights: { v1: 100 } });
  const after = serviceObjects('shop', { name: 'web', deployments: ['v1'], weights: { v1: 100 } });
  const phases = [phase(0, 'baseline', before), phase(1, 'next', after)];
  expect(verifyPhases(phases)).toEqual([]);

  // The same objects, now with a Service selector in the second phase that selects no pod: its subsets select nothing.
  const service = after.find((o) => o.kind === 'Service')!;
  service.spec.selector = { app: 'elsewhere' };
  expect(verifyPhases(phases).map((f) => `${f.rule} ${f.phase}`)).toContain('state/subset-no-pods 01-next');
});

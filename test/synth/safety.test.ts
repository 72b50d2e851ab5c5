import fc from 'fast-check';
import { validateMatrix } from '../../src/matrix';
import { Phase } from '../../src/plan/planner';
import { synthesizeEnvironment } from '../../src/synth';
import { verifyPhases } from '../../src/verify';
import { validMatrixSpec } from '../arbitraries';

type Output = ReturnType<typeof synthesizeEnvironment>;

/** The verifier's input for a sequence of synthesized phases (with their plan.json gates). */
function verifierInput(output: Output, keep: (index: number) => boolean = () => true) {
  return output.phases
    .map((phase, i) => ({ name: phase.phase.name, path: phase.path, objects: phase.objects, gates: output.plan.phases[i].gates }))
    .filter((_, i) => keep(i));
}

/**
 * DESIGN.md's invariant on the planner's abstract states, independent of the verifier: S -> S' is safe
 * when every version routed in S or S' is live in both, and was live (ready) before S'.
 */
function invariantHolds(before: Phase, after: Phase): boolean {
  return before.services.every((s, i) => {
    const next = after.services[i];
    const routed = [...s.routes, ...next.routes].map((r) => r.version);
    return routed.every((v) => s.versions.includes(v) && next.versions.includes(v));
  });
}

describe('every plan the planner makes is safe', () => {
  test('random valid matrices: every environment plan verifies clean', () => {
    fc.assert(fc.property(validMatrixSpec, (spec) => {
      for (const env of validateMatrix(spec).environments) {
        expect(verifyPhases(verifierInput(synthesizeEnvironment(env)))).toEqual([]);
      }
    }), { numRuns: 150 });
  });

  test('dropping a phase (merging it into the next) of a safe plan is rejected exactly when the invariant breaks', () => {
    let rejected = 0;
    let accepted = 0;
    fc.assert(fc.property(validMatrixSpec, fc.nat(), (spec, pick) => {
      for (const env of validateMatrix(spec).environments) {
        const output = synthesizeEnvironment(env);
        if (output.phases.length < 3) continue;
        const dropped = 1 + (pick % (output.phases.length - 2)); // an inner phase: both neighbours remain
        const before = output.phases[dropped - 1].phase;
        const after = output.phases[dropped + 1].phase;
        // Dropping a phase also drops its gates: a removal then follows a phase that may lack drain.
        const removes = output.plan.phases[dropped + 1].removes.length > 0;
        const gatesKept = output.plan.phases[dropped - 1].gates.drain !== undefined;
        const expectedSafe = invariantHolds(before, after) && (!removes || gatesKept);
        const findings = verifyPhases(verifierInput(output, (i) => i !== dropped)).filter((f) => f.rule.startsWith('transition/'));
        expect(findings.length === 0).toBe(expectedSafe);
        if (expectedSafe) accepted++;
        else rejected++;
      }
    }), { numRuns: 200 });
    expect(rejected).toBeGreaterThan(10);
    expect(accepted).toBeGreaterThan(10);
  });
});

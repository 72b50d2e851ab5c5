import { planEnvironment, Phase } from '../../src/plan/planner';
import { baseMatrix, matrixOf } from '../helpers';

/** A compact view of a phase: per service, live versions and routes (`v1:90 v2:10`). */
function rows(phases: Phase[]): Record<string, string[]> {
  const view: Record<string, string[]> = {};
  for (const phase of phases) {
    view[phase.name] = phase.services.map((s) =>
      `${s.rollout.service.name} [${s.versions.join(',')}] ${s.routes.map((r) => `${r.version}:${r.weight}`).join(' ')}`);
  }
  return view;
}

function plan(mutate: (m: any) => void = () => {}): Phase[] {
  const spec = baseMatrix();
  mutate(spec);
  return planEnvironment(matrixOf(spec).environments[0]);
}

describe('planner', () => {
  test('blue/green: baseline, prepare, switch, cleanup', () => {
    const phases = plan();
    expect(phases.map((p) => p.name)).toEqual(['baseline', 'prepare', 'switch', 'cleanup']);
    expect(rows(phases)).toEqual({
      baseline: ['coffee-shop [v1] v1:100', 'barista [v1] v1:100'],
      prepare: ['coffee-shop [v1,v2] v1:100', 'barista [v1] v1:100'],
      switch: ['coffee-shop [v1,v2] v2:100', 'barista [v1] v1:100'],
      cleanup: ['coffee-shop [v2] v2:100', 'barista [v1] v1:100'],
    });
  });

  test('canary: one phase per ascending step between prepare and switch', () => {
    const phases = plan((m) => { m.releases.production['coffee-shop'].strategy = { type: 'canary', steps: [10, 50] }; });
    expect(phases.map((p) => p.name)).toEqual(['baseline', 'prepare', 'canary-10', 'canary-50', 'switch', 'cleanup']);
    expect(rows(phases)['canary-10'][0]).toBe('coffee-shop [v1,v2] v1:90 v2:10');
    expect(rows(phases)['canary-50'][0]).toBe('coffee-shop [v1,v2] v1:50 v2:50');
    expect(phases.map((p) => p.kind)).toEqual(['baseline', 'prepare', 'canary', 'canary', 'switch', 'cleanup']);
  });

  test('several services share the phases, each following its own row', () => {
    const phases = plan((m) => {
      m.releases.production['coffee-shop'].strategy = { type: 'canary', steps: [10, 50] };
      m.releases.production.barista = { from: 'v1', to: 'v2' };
    });
    expect(rows(phases)).toEqual({
      baseline: ['coffee-shop [v1] v1:100', 'barista [v1] v1:100'],
      prepare: ['coffee-shop [v1,v2] v1:100', 'barista [v1,v2] v1:100'],
      'canary-10': ['coffee-shop [v1,v2] v1:90 v2:10', 'barista [v1,v2] v1:100'],
      'canary-50': ['coffee-shop [v1,v2] v1:50 v2:50', 'barista [v1,v2] v1:100'],
      switch: ['coffee-shop [v1,v2] v2:100', 'barista [v1,v2] v2:100'],
      cleanup: ['coffee-shop [v2] v2:100', 'barista [v2] v2:100'],
    });
  });

  test('canaries of different lengths: the shorter holds its last step; phases are named by step', () => {
    const phases = plan((m) => {
      m.releases.production['coffee-shop'].strategy = { type: 'canary', steps: [10, 50] };
      m.releases.production.barista = { from: 'v1', to: 'v2', strategy: { type: 'canary', steps: [25] } };
    });
    expect(phases.map((p) => p.name)).toEqual(['baseline', 'prepare', 'canary-step-1', 'canary-step-2', 'switch', 'cleanup']);
    expect(rows(phases)['canary-step-2'][1]).toBe('barista [v1,v2] v1:75 v2:25');
  });

  test('a service without a release stays as it is in every phase', () => {
    const phases = plan();
    const barista = phases.map((p) => p.services.find((s) => s.rollout.service.name === 'barista')!);
    for (const state of barista) {
      expect(state.versions).toEqual(['v1']);
      expect(state.routes).toEqual([{ version: 'v1', weight: 100 }]);
    }
  });

  test('an environment without a release has only its baseline', () => {
    const phases = plan((m) => { m.releases.production['coffee-shop'] = { version: 'v2' }; });
    expect(phases.map((p) => p.name)).toEqual(['baseline']);
    expect(rows(phases).baseline).toEqual(['coffee-shop [v2] v2:100', 'barista [v1] v1:100']);
  });

  test('the new version never carries traffic in the phase that creates it, and the old is routed until removed', () => {
    const phases = plan((m) => { m.releases.production['coffee-shop'].strategy = { type: 'canary', steps: [1, 2, 99] }; });
    for (let i = 1; i < phases.length; i++) {
      const [before, after] = [phases[i - 1].services[0], phases[i].services[0]];
      const created = after.versions.filter((v) => !before.versions.includes(v));
      const removed = before.versions.filter((v) => !after.versions.includes(v));
      for (const v of created) expect(after.routes.map((r) => r.version)).not.toContain(v);
      for (const v of removed) expect([...before.routes, ...after.routes].map((r) => r.version)).not.toContain(v);
      for (const state of [before, after]) expect(state.routes.reduce((sum, r) => sum + r.weight, 0)).toBe(100);
    }
  });
});

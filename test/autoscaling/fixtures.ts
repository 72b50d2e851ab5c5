/** A release of an autoscaled service (test matrices only: the example stays without an HPA, its dist/ unchanged). */
import { validateMatrix } from '../../src/matrix';
import { Environment } from '../../src/matrix/model';
import { synthesizeEnvironment } from '../../src/synth';
import { PhaseManifest, rollbackSequences } from '../../src/verify';

/** `shop` autoscaled 2..6 (canary 20, then switch), `tea` with fixed replicas, in one environment. */
export function autoscaledMatrix(): any {
  return {
    environments: { production: { namespace: 'shop', replicas: 3 } },
    services: {
      shop: {
        image: 'registry.example/shop', versions: { v1: '1.0.0', v2: '2.0.0' }, port: 8080, readinessPath: '/ready', livenessPath: '/live',
        autoscaling: { minReplicas: 2, maxReplicas: 6, behavior: { scaleDown: { stabilizationWindowSeconds: 600 } } },
      },
      tea: { image: 'registry.example/tea', versions: { v1: 't1', v2: 't2' }, port: 9090, readinessPath: '/ready', livenessPath: '/live' },
    },
    releases: { production: { shop: { from: 'v1', to: 'v2', strategy: { type: 'canary', steps: [20] } }, tea: { from: 'v1', to: 'v2' } } },
  };
}

export function autoscaledEnvironment(spec: any = autoscaledMatrix()): Environment {
  return validateMatrix(spec).environments[0];
}

/** The verifier's input for a synthesized environment: its phases with plan.json's gates, and its rollbacks. */
export function verifierInput(output = synthesizeEnvironment(autoscaledEnvironment())): { phases: PhaseManifest[]; rollbacks: ReturnType<typeof rollbackSequences> } {
  const phases = output.phases.map((phase, i) => ({ name: phase.phase.name, path: phase.path, objects: phase.objects, gates: output.plan.phases[i].gates }));
  return { phases, rollbacks: rollbackSequences(output.plan, phases) };
}

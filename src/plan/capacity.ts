/**
 * Capacity before traffic moves: the minReplicas of each version's HorizontalPodAutoscaler in a phase.
 *
 * While two versions of a service run side by side (prepare, canary steps, switch, and the rollback states,
 * which are the same states), both autoscalers' minReplicas is raised to maxReplicas, and the phase that
 * raises it waits until each Deployment has that many pods available (the capacity gate, ./gates). So
 * traffic moves to the new version, forward at the switch or back to the old one in a rollback, only onto
 * a Deployment at the most the live version's autoscaler could have been running. Cleanup lowers it back
 * to minReplicas, and the HPA scales down from there at the pace of its scale-down behavior.
 *
 * Why maxReplicas: the files are written before the release and applied as they are written, so the one
 * count known to cover whatever the live version runs when traffic moves is its autoscaler's upper bound.
 * The alternative, a gate that reads the live Deployment's current replicas and waits for the new one to
 * match, needs the new one scaled up by something: a patch of its HPA outside the files (what is applied
 * would then not be what was verified), or traffic, which is what must not arrive before the capacity.
 */
import type { Autoscaling } from '../matrix/model';
import type { ServiceState } from './planner';

/** The minReplicas of the autoscaler of each version of `state` (the same for all of them). */
export function phaseMinReplicas(state: ServiceState, autoscaling: Autoscaling): number {
  return state.versions.length > 1 ? autoscaling.maxReplicas : autoscaling.minReplicas;
}

/** The registry of rules, in the order their findings are reported. */
import { Rule } from '../types';
import { autoscaledReplicas, raisedWithoutCapacityGate, routedBelowCapacity } from './capacity-rules';
import {
  duplicateObject, invalidWeights, routedWithoutReadiness, serviceSelectsNothing, subsetSelectsNothing, subsetUndefined,
} from './state-rules';
import {
  configurationChangedUnderTraffic, createdWithoutRolloutGate, deletedWhileCalled, gatewayRemovedWhileServing, inPlaceUpdate, newDeploymentRouted,
  removalWithoutGates, removedWhileRouted, subsetDefinedBoth,
} from './transition-rules';

/** Every rule the verifier runs by default. */
export const RULES: readonly Rule[] = [
  duplicateObject,
  invalidWeights,
  subsetUndefined,
  subsetSelectsNothing,
  serviceSelectsNothing,
  routedWithoutReadiness,
  autoscaledReplicas,
  subsetDefinedBoth,
  newDeploymentRouted,
  inPlaceUpdate,
  configurationChangedUnderTraffic,
  removedWhileRouted,
  gatewayRemovedWhileServing,
  deletedWhileCalled,
  removalWithoutGates,
  createdWithoutRolloutGate,
  routedBelowCapacity,
  raisedWithoutCapacityGate,
];

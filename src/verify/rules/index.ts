/** The registry of rules, in the order their findings are reported. */
import { Rule } from '../types';
import {
  duplicateObject, invalidWeights, routedWithoutReadiness, serviceSelectsNothing, subsetSelectsNothing, subsetUndefined,
} from './state-rules';
import {
  configurationChangedUnderTraffic, createdWithoutRolloutGate, gatewayRemovedWhileServing, inPlaceUpdate, newDeploymentRouted, removalWithoutGates, removedWhileRouted, subsetDefinedBoth,
} from './transition-rules';

/** Every rule the verifier runs by default. */
export const RULES: readonly Rule[] = [
  duplicateObject,
  invalidWeights,
  subsetUndefined,
  subsetSelectsNothing,
  serviceSelectsNothing,
  routedWithoutReadiness,
  subsetDefinedBoth,
  newDeploymentRouted,
  inPlaceUpdate,
  configurationChangedUnderTraffic,
  removedWhileRouted,
  gatewayRemovedWhileServing,
  removalWithoutGates,
  createdWithoutRolloutGate,
];

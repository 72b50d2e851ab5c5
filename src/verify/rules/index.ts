/** The registry of rules, in the order their findings are reported. */
import { Rule } from '../types';
import { duplicateObject, invalidWeights, serviceSelectsNothing, subsetSelectsNothing, subsetUndefined } from './state-rules';
import {
  createdWithoutRolloutGate, deletedWhileCalled, inPlaceUpdate, newDeploymentRouted, removalWithoutGates, removedWhileRouted, subsetDefinedBoth,
} from './transition-rules';

/** Every rule the verifier runs by default. */
export const RULES: readonly Rule[] = [
  duplicateObject,
  invalidWeights,
  subsetUndefined,
  subsetSelectsNothing,
  serviceSelectsNothing,
  subsetDefinedBoth,
  newDeploymentRouted,
  inPlaceUpdate,
  removedWhileRouted,
  deletedWhileCalled,
  removalWithoutGates,
  createdWithoutRolloutGate,
];

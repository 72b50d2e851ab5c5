/** Every kind the project reads. A new kind is one more file beside this one and one more entry in KINDS. */
import { KindModel } from '../kind';
import { CONFIG_MAP, SECRET } from './configuration';
import { HORIZONTAL_POD_AUTOSCALER } from './autoscaler';
import { DESTINATION_RULE } from './destination-rule';
import { GATEWAY } from './gateway';
import { NAMESPACE } from './namespace';
import { NODE, POD, SERVICE_ENTRY } from './pod';
import { SERVICE } from './service';
import { VIRTUAL_SERVICE } from './virtual-service';
import { DAEMON_SET, DEPLOYMENT, REPLICA_SET, STATEFUL_SET } from './workload';

/** The kinds, each with its API group and typed fields. */
export const KINDS: readonly KindModel[] = [
  DEPLOYMENT, STATEFUL_SET, DAEMON_SET, REPLICA_SET, SERVICE, NAMESPACE, POD, NODE,
  DESTINATION_RULE, VIRTUAL_SERVICE, GATEWAY, SERVICE_ENTRY, CONFIG_MAP, SECRET, HORIZONTAL_POD_AUTOSCALER,
];

export * from './autoscaler';
export * from './configuration';
export * from './destination-rule';
export * from './gateway';
export * from './namespace';
export * from './pod';
export * from './service';
export * from './virtual-service';
export * from './workload';

/**
 * Where synthesis keeps the plans it replaced: a release of one may be in flight in the cluster (its resume
 * record names it), and rolling it back needs its plan.json and phase folders exactly as they were.
 */
import { join } from 'node:path';

/** Folder of an environment folder that holds the plans synthesis replaced, one folder per plan identity (ignored as a phase folder). */
export const KEPT_PLANS_FOLDER = '.plans';

/** The plan identity a resume record names: a rollback's record names `<identity>/rollback/<phase>`. */
export function recordedPlanIdentity(recordPlan: string): string {
  return recordPlan.split('/')[0];
}

/** Where synthesis keeps the plan of `identity` replaced in `environmentDir` (it may not exist). */
export function keptPlanPath(environmentDir: string, identity: string): string {
  return join(environmentDir, KEPT_PLANS_FOLDER, recordedPlanIdentity(identity));
}

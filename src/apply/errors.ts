/** The failure of a run against a cluster, and the hints both executors print with one. */

/** A failed run: names the phase, the gate or step, the command, and how to resume. Exit code 1. */
export class ApplyFailure extends Error {
  /** Exit code of a failed run. */
  readonly exitCode = 1;
}

/** What a dry run of apply says when it cannot read the record: a preview is often made with no cluster at hand. */
export const PREVIEW_WITHOUT_CLUSTER = ' (to preview without a cluster, pass --from PHASE)';

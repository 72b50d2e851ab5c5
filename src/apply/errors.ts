/** The failure of a run against a cluster. */

/** A failed run: names the phase, the gate or step, the command, and how to resume. Exit code 1. */
export class ApplyFailure extends Error {
  /** Exit code of a failed run. */
  readonly exitCode = 1;
}

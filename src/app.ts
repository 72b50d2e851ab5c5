/**
 * Entry point for a cdk8s app (`app:` in cdk8s.yaml): synthesizes a matrix into CDK8S_OUTDIR.
 * `cdk8s synth` empties that folder before the app runs; files go to a folder beside it and move in
 * once every environment is rendered and verified, so on an error nothing is written there and the exit code is 1.
 */
import { formatError } from './cli/errors';
import { MatrixSpec } from './matrix/types';
import { validateMatrix } from './matrix/validate';
import { synthesize } from './synth';

/** Validates and synthesizes `spec` into CDK8S_OUTDIR (default `dist`); returns the exit code. */
export function synthApp(spec: MatrixSpec, outDir = process.env.CDK8S_OUTDIR ?? 'dist'): number {
  try {
    synthesize(validateMatrix(spec), outDir);
    return 0;
  } catch (error) {
    const { message, exitCode } = formatError(error);
    // cdk8s synth discards the app's stdout: errors go to stderr.
    process.stderr.write(`${message}\n`);
    return exitCode;
  }
}

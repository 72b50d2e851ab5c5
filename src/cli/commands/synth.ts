/** `phased-rollout synth --matrix FILE [--out DIR]`: a YAML or JSON matrix to phase bundles. */
import { counted } from '../../format';
import { loadMatrixFile } from '../../matrix/load';
import { synthesize } from '../../synth';
import { parseCommandArgs, UsageError } from '../errors';

export function run(argv: string[]): number {
  const { values } = parseCommandArgs(argv, { matrix: { type: 'string' }, out: { type: 'string' } });
  if (values.matrix === undefined) throw new UsageError('--matrix FILE is required (a YAML or JSON version matrix)');
  const outDir = values.out ?? 'dist';
  const matrix = loadMatrixFile(values.matrix);
  const written = synthesize(matrix, outDir);
  process.stderr.write(`wrote ${counted(written, 'file')} for ${counted(matrix.environments.length, 'environment')} to ${outDir}\n`);
  return 0;
}

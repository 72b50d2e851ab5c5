/** `phased-rollout schema matrix|plan`: prints the JSON Schema of an input file, for editors and other tools. */
import { UsageError } from '../errors';
import { jsonSchemaText } from '../../matrix/json-schema';
import { MatrixSchema } from '../../matrix/schema';
import { PlanFileSchema } from '../../plan/plan-format';

/** The files whose JSON Schema the command prints, by name; the package ships each as schemas/<name>.schema.json. */
export const INPUT_SCHEMAS = {
  /** The version matrix (`synth --matrix`). */
  matrix: MatrixSchema,
  /** An environment's plan.json (read by verify, plan, apply, rollback, promote). */
  plan: PlanFileSchema,
} as const;

/** Runs the command and returns its exit code. */
export function run(argv: string[]): Promise<number> {
  const names = Object.keys(INPUT_SCHEMAS);
  if (argv.length !== 1 || !Object.hasOwn(INPUT_SCHEMAS, argv[0])) {
    throw new UsageError(`expected one schema name (${names.join(', ')})${argv.length === 1 ? `, not "${argv[0]}"` : ''}`);
  }
  process.stdout.write(jsonSchemaText(INPUT_SCHEMAS[argv[0] as keyof typeof INPUT_SCHEMAS]));
  return Promise.resolve(0);
}

/**
 * The cdk8s app layer: the PhasedRollout construct that a cdk8s app composes, and synthApp, the entry
 * point of an app that is only a matrix (`app:` in cdk8s.yaml). Both synthesize into the App's outdir
 * (CDK8S_OUTDIR under `cdk8s synth`), which `cdk8s synth` empties before the app runs; files go to a
 * folder beside it and move in once every environment is rendered and verified, so on an error nothing
 * is written there.
 */
import { resolve } from 'node:path';
import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { formatError } from './cli/errors';
import { Environment, Matrix } from './matrix/model';
import { MatrixSpec } from './matrix/types';
import { validateMatrix } from './matrix/validate';
import { synthesize } from './synth';
import { PhaseVersionContext, RenderExtensions, ServiceContext, ServiceTraffic, VersionContext } from './synth/render';
import { VersionWorkload } from './constructs/version-workload';

/** Validates and synthesizes `spec` into CDK8S_OUTDIR (default `dist`), with what the app adds to the objects; returns the exit code. */
export function synthApp(spec: MatrixSpec, outDir = process.env.CDK8S_OUTDIR ?? 'dist', extensions: RenderExtensions = {}): number {
  try {
    synthesize(validateMatrix(spec), outDir, extensions);
    return 0;
  } catch (error) {
    const { message, exitCode } = formatError(error);
    // cdk8s synth discards the app's stdout: errors go to stderr.
    process.stderr.write(`${message}\n`);
    return exitCode;
  }
}

/** Builds an app's own objects of one environment into `scope` (namespace them with `environment.namespace`). */
export type EnvironmentObjects = (scope: Construct, environment: Environment) => void;

/** Properties of {@link PhasedRollout}. */
export interface PhasedRolloutProps {
  /** The version matrix, as in TypeScript (`defineMatrix`) or loaded from a file; validated when the construct is created. */
  readonly matrix: MatrixSpec;
  /** Folder the phase bundles are written to. @default the App's outdir (CDK8S_OUTDIR under `cdk8s synth`, else `dist`) */
  readonly outdir?: string;
  /** Called on each traffic construct of a service as it is built (`kind` 'service', 'subsets' or 'split'): the Service once, the DestinationRule once per set of subsets, the VirtualServices once per split; the result is in every phase that has the object. @default no hook */
  readonly onTraffic?: (traffic: ServiceTraffic, context: ServiceContext) => void;
  /** Called on each version's workload, once per environment, service and version (once per phase with onPhaseVersion); the result is in every phase where the version runs. @default no hook */
  readonly onVersion?: (workload: VersionWorkload, context: VersionContext) => void;
  /** Called on each version's workload in each phase, for changes that differ from phase to phase; with it, workloads are rendered once per phase instead of once. @default no hook */
  readonly onPhaseVersion?: (workload: VersionWorkload, context: PhaseVersionContext) => void;
}

/**
 * The phase bundles of a version matrix, as a construct of a cdk8s app: `app.synth()` writes
 * `<outdir>/<env>/NN-phase/`, plan.json, PLAN.md, apply.sh and argocd/ as `phased-rollout synth` does,
 * after the verifier found every phase and rollback safe; on a finding it throws UnsafePlanError and
 * writes nothing. The objects it creates are given to the hooks (props) as typed constructs, and the
 * app's own objects join an environment through addToEnvironment; both are rendered into the files the
 * verifier checks. It creates no object in the app's own charts, and refuses charts of the App that
 * app.synth() would write into its output folder (which holds only what synthesis writes).
 */
export class PhasedRollout extends Construct {
  /** The validated matrix. */
  public readonly matrix: Matrix;
  private readonly props: PhasedRolloutProps;
  private readonly environmentObjects = new Map<string, EnvironmentObjects[]>();

  constructor(scope: Construct, id: string, props: PhasedRolloutProps) {
    super(scope, id);
    this.props = props;
    this.matrix = validateMatrix(props.matrix);
    // cdk8s' App.synth() validates every construct before it writes the charts: the bundles are written then.
    this.node.addValidation({ validate: () => this.synthWithApp() });
  }

  /**
   * Adds the app's own objects to every phase of `environment`, in its `00-environment.k8s.yaml` after the
   * Namespace and Gateway: `build` is called once per synthesis with a scope of its own.
   */
  public addToEnvironment(environment: string, build: EnvironmentObjects): void {
    const names = this.matrix.environments.map((e) => e.name);
    if (!names.includes(environment)) {
      throw new Error(`${this.node.path}: addToEnvironment: "${environment}" is not an environment of the matrix (${names.join(', ')})`);
    }
    const builders = this.environmentObjects.get(environment) ?? [];
    builders.push(build);
    this.environmentObjects.set(environment, builders);
  }

  /** Writes the phase bundles to the output folder and returns how many files it wrote (app.synth() calls it). */
  public synth(): number {
    return synthesize(this.matrix, this.outdir(), this.extensions());
  }

  private outdir(): string {
    return this.props.outdir ?? App.of(this).outdir;
  }

  /**
   * The validation app.synth() runs: writes the bundles, unless the App's charts would be written into the
   * same folder (beside the phases, unverified, and refused by the next synthesis as files it did not write).
   */
  private synthWithApp(): string[] {
    const app = App.of(this);
    if (resolve(this.outdir()) === resolve(app.outdir) && app.charts.length > 0) {
      return [`app.synth() would also write the charts of the App (${app.charts.map((c) => c.node.path).join(', ')}) into ${this.outdir()}, ` +
        'outside every phase and unverified: add your objects with addToEnvironment or a version hook, or give the PhasedRollout an outdir of its own'];
    }
    this.synth();
    return [];
  }

  private extensions(): RenderExtensions {
    const { onTraffic, onVersion, onPhaseVersion } = this.props;
    const environmentObjects: EnvironmentObjects | undefined = this.environmentObjects.size === 0 ? undefined : (scope, environment) => {
      (this.environmentObjects.get(environment.name) ?? []).forEach((build, i) => build(new Construct(scope, `objects${i}`), environment));
    };
    return { environmentObjects, onTraffic, onVersion, onPhaseVersion };
  }
}

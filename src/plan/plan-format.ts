/**
 * The format of `dist/<environment>/plan.json`, defined once: the schema its readers check (with the
 * field's path, line and column in a message), the TypeScript types of its content, and the JSON Schema
 * `phased-rollout schema plan` prints. Imports nothing of src/plan, so that the modules that build a plan
 * (./gates, ./rollback) and the one that reads and writes it (./plan-file) all depend on it, not on each other.
 */
import { z } from '../matrix/zod';
import type { ObjectRef } from '../manifest';
import { PLAN_FORMAT_VERSION, PhaseGates, PlanFile, PlanPhase, PlanRelease, PlanRollbackStep } from './plan-types';
import { describeValue, fieldsOf, messageFor } from '../matrix/schema-support';


const nonEmpty = z.string({ error: () => 'expected a non-empty string' }).min(1, { error: () => 'expected a non-empty string' });

const ObjectRefSchema: z.ZodType<ObjectRef> = z.object({
  apiVersion: nonEmpty.describe('API version of the object, e.g. apps/v1.'),
  kind: nonEmpty.describe('Kind of the object, e.g. Deployment.'),
  namespace: z.string({ error: () => 'expected a string' }).optional().describe('Namespace of the object; absent for cluster-scoped objects.'),
  name: nonEmpty.describe('Name of the object.'),
}, { error: messageFor(() => 'expected an object reference {apiVersion, kind, namespace, name}') })
  .describe('An object reference.');

const refs = (meaning: string) => z.array(ObjectRefSchema, { error: messageFor(() => 'expected a list') }).readonly().describe(meaning);

const seconds = (meaning: string) => z.number({ error: () => 'expected a number of seconds' })
  .min(0, { error: () => 'expected a number of seconds' }).describe(meaning);

/** The gates of a phase or rollback step. */
export const PhaseGatesSchema = fieldsOf({
  rollout: fieldsOf({
    deployments: refs('Deployments that must be rolled out and ready.'),
    timeoutSeconds: seconds('How long they may take.'),
  }, 'an object').readonly().optional().describe('Deployments created by this phase must be rolled out and ready.'),
  capacity: fieldsOf({
    deployments: z.array(fieldsOf({
      deployment: ObjectRefSchema.describe('A Deployment scaled by a HorizontalPodAutoscaler.'),
      replicas: z.number({ error: () => 'expected a number of pods' }).int({ error: () => 'expected a number of pods' })
        .min(1, { error: () => 'expected a number of pods' }).describe('Pods that must be available: its autoscaler\'s minReplicas in this phase.'),
    }, 'an object').readonly(), { error: messageFor(() => 'expected a list') }).readonly()
      .describe('Each Deployment, with the pods that must be available.'),
    timeoutSeconds: seconds('How long they may take.'),
  }, 'an object').readonly().optional()
    .describe('Deployments whose HorizontalPodAutoscaler this phase creates or raises to maxReplicas must have that many pods available.'),
  propagation: fieldsOf({
    // A propagation gate waits for the objects it lists; with none (the phase only deletes Istio config, which has no status), its seconds.
    objects: refs('Istio objects whose config must reach every proxy; none when the phase only deletes Istio config (the gate then waits its seconds).'),
    seconds: seconds('Minimum seconds to wait where istiod does not report status.'),
  }, 'an object').readonly().optional()
    .describe('Istio config created or changed by this phase must reach every proxy: the `Reconciled` condition where istiod reports status, otherwise at least `seconds`.'),
  observe: fieldsOf({ seconds: seconds('Seconds to observe.') }, 'an object').readonly().optional().describe('Canary observation time before moving on.'),
  drain: fieldsOf({ seconds: seconds('Seconds to wait.') }, 'an object').readonly().optional()
    .describe('Time for clients to finish keep-alive connections before the next phase removes what they used.'),
}, 'an object').readonly().describe('Gates, checked in this order: rollout, capacity, propagation, observe, drain. Absent keys do not apply.');


/** One phase of plan.json. */
export const PlanPhaseSchema = fieldsOf({
  index: z.number({ error: () => 'expected a position from 0' }).int({ error: () => 'expected a position from 0' })
    .min(0, { error: () => 'expected a position from 0' }).describe('Position in apply order, from 0.'),
  name: z.string({ error: () => 'expected a phase name' }).describe('Phase name: baseline, prepare, canary-<weight>, switch or cleanup.'),
  path: z.string({ error: messageFor((iss) => `${describeValue(iss.input)} is not a phase folder name like 01-prepare`) })
    .regex(/^\d+-[a-z0-9-]+$/, { error: messageFor((iss) => `${describeValue(iss.input)} is not a phase folder name like 01-prepare`) })
    .describe('Folder holding the phase\'s YAML, relative to plan.json (`NN-name`).'),
  removes: refs('Objects of the previous phase that this phase no longer has: delete them after applying the folder.'),
  gates: PhaseGatesSchema.describe('What must hold after applying this phase and before applying the next.'),
}, 'an object').readonly().describe('One phase: a complete desired state of the environment.');


/** One step of a rollback in plan.json. */
export const PlanRollbackStepSchema = fieldsOf({
  name: z.string({ error: () => 'expected a step name like revert-traffic' })
    .regex(/^[a-z0-9-]+$/, { error: () => 'expected a step name like revert-traffic' })
    .describe('Step name: reapply (the phase rolled back from), restore-old, revert-traffic, remove-new, then restore-<phase> for each adoption phase (last first).'),
  path: z.string({ error: () => 'expected the path of a phase of this plan' }).describe('The forward phase folder to apply (one of `phases[].path`).'),
  removes: refs('Objects of the previous step\'s folder that this step\'s folder does not hold: delete them after applying it.'),
  gates: PhaseGatesSchema.describe('What must hold after this step and before the next.'),
}, 'an object').readonly().describe('One step of a rollback: a forward phase folder applied again, then its deletions and gates.');


/** One release in plan.json. */
export const PlanReleaseSchema = fieldsOf({
  service: z.string().describe('Service name.'),
  from: z.string().describe('Version live before the release.'),
  to: z.string().describe('Version live after the release.'),
  strategy: z.discriminatedUnion('type', [
    fieldsOf({ type: z.literal('blueGreen') }).readonly(),
    fieldsOf({ type: z.literal('canary'), steps: z.array(z.number()).readonly() }).readonly(),
  ]).describe('`blueGreen`, or `canary` with its weight steps.'),
}, 'an object').readonly().describe('One service\'s release in an environment.');


/** The whole plan.json. */
export const PlanFileSchema = fieldsOf({
  formatVersion: z.literal(PLAN_FORMAT_VERSION, {
    error: (iss) => `${JSON.stringify(iss.input)} is not supported (expected ${PLAN_FORMAT_VERSION})` +
      (iss.input === 1 ? ': an earlier phased-rollout wrote it; synthesize again to rewrite the environment folder' : ''),
  }).describe(`Format version of this file (${PLAN_FORMAT_VERSION}).`),
  environment: z.string({ error: () => 'expected a string' }).describe('Environment name (the folder name under dist/).'),
  namespace: z.string({ error: () => 'expected a string' }).describe('Namespace every object of the environment lives in.'),
  releases: z.array(PlanReleaseSchema).readonly().default([])
    .describe('Releases of this environment (services that change version); empty when nothing is released.'),
  phases: z.array(PlanPhaseSchema, { error: messageFor(() => 'expected a non-empty list') })
    .min(1, { error: () => 'expected a non-empty list' }).readonly().describe('Phases in apply order.'),
  rollbacks: z.record(z.string(), z.array(PlanRollbackStepSchema, { error: messageFor(() => 'expected a non-empty list of steps') })
    .min(1, { error: () => 'expected a non-empty list of steps' }).readonly(),
  { error: messageFor(() => 'expected an object keyed by phase path') }).readonly().optional()
    .describe('For each phase after the baseline, keyed by its path: the steps back to the baseline. Synthesis always writes it; ' +
      'a hand-written plan.json may leave it out (`phased-rollout rollback` then refuses).'),
}, 'a JSON object').readonly().meta({
  title: 'cdk8s-phased-rollout plan.json',
  description: 'The machine-readable contract between synthesis and everything that applies or checks the phases of one environment.',
});

/** Whether two types are identical (the same fields, optionality and read-only modifiers), not only assignable. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

// The schema reads exactly the types users see (./plan-types): a field added to one and not the other fails here.
const schemaMatchesTypes: [
  Same<z.infer<typeof PhaseGatesSchema>, PhaseGates>, Same<z.infer<typeof PlanPhaseSchema>, PlanPhase>,
  Same<z.infer<typeof PlanRollbackStepSchema>, PlanRollbackStep>, Same<z.infer<typeof PlanReleaseSchema>, PlanRelease>,
  Same<z.infer<typeof PlanFileSchema>, PlanFile>,
] = [true, true, true, true, true];
void schemaMatchesTypes;

/**
 * `dist/<env>/apply.sh`: the apply engine for pipelines without Node.js. POSIX sh that needs only
 * kubectl (istioctl when on PATH): the plan's data (its phases and the actions of each step, from
 * src/apply/steps.ts) followed by the static body src/artifacts/apply-body.sh. The same kubectl calls as
 * `phased-rollout apply` (and with `--rollback`, `phased-rollout rollback`), in the same order, with
 * the same resume record and the same gates.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PROPAGATION_TIMEOUT_SECONDS, METHOD_DESCRIPTIONS, STATUS_CHECK_BACKOFF_SECONDS } from '../apply/session';
import { planSteps, RunStep, StepAction } from '../apply/steps';
import {
  DEFAULT_CALL_TIMEOUT_SECONDS, KUBECTL, namespaceArgs, REQUEST_TIMEOUT, resourceArg, shellQuote, WAIT_DEADLINE_MARGIN_SECONDS,
} from '../apply/kubectl';
import { IDENTITY_PREFIX, RECORD_JSONPATH, recordManifest, recordName } from '../apply/record';
import { PREVIEW_WITHOUT_CLUSTER } from '../apply/errors';
import { LIVE_MESSAGES } from '../apply/live';
import { lockManifest, lockName } from '../apply/lock';
import { TIME_SCALE_VARIABLE } from '../apply/runtime';
import { PlanFile } from '../plan/plan-file';
import type { EnvironmentOutput } from '../synth/environment';

/**
 * The static part of apply.sh, beside this module: real shell code, checked by shellcheck
 * (test/apply/apply-script.test.ts); `npm run build` copies it next to the compiled module in lib/.
 */
export const BODY_FILE = 'apply-body.sh';

/** The words of a command, quoted for sh. */
function words(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}

/** One action of a step as the words apply-body.sh runs (`action_KIND ARGS...`), from the shared definition. */
function actionWords(action: StepAction): string[] {
  switch (action.kind) {
    case 'apply': return ['apply', action.path];
    case 'record': return ['record', action.state];
    case 'remove': return ['remove', ...KUBECTL.delete(action.ref)];
    case 'rollout': return ['rollout', ...KUBECTL.rolloutStatus(action.deployment, action.timeoutSeconds)];
    case 'capacity': return ['capacity', ...KUBECTL.waitAvailable(action.deployment, action.replicas, action.timeoutSeconds)];
    case 'propagation': return ['propagation', String(action.seconds), ...action.objects.flatMap((ref) => [resourceArg(ref), ...namespaceArgs(ref).slice(1)])];
    case 'pause': return ['pause', action.gate, String(action.seconds)];
  }
}

/** The ACTIONS table: a line `KEY ACTION ARGS...` per action (KEY: a phase folder, or FROM/STEP of a rollback step). */
function actionTable(plan: PlanFile): string {
  const { forward, rollbacks } = planSteps(plan);
  const lines = (key: string, step: RunStep) => step.actions.map((action) => words([key, ...actionWords(action)]));
  return [
    ...forward.flatMap((step) => lines(step.label, step)),
    ...[...rollbacks].flatMap(([from, steps]) => steps.flatMap((step) => lines(`${from}/${step.label}`, step))),
  ].join('\n');
}

const USAGE = '[--rollback] [--from PHASE] [--to PHASE] [--context CTX] [--dry-run] [--timeout SECONDS] [--call-timeout SECONDS] [--take-over-lock]';

/** The script for one plan: the plan's data, then the static body (src/artifacts/apply-body.sh). */
function applyScript(plan: PlanFile): string {
  // The record's plan and title differ between apply and a rollback: both are printf arguments too.
  const recordFormat = recordManifest(plan.environment, plan.namespace, { plan: '%s', title: '%s', completed: '%s', applying: '%s', finished: '%s' });
  const data: [string, string][] = [
    ['IDENTITY_PREFIX', IDENTITY_PREFIX],
    ['TITLE', plan.environment],
    ['NAMESPACE', plan.namespace],
    ['RECORD_NAME', recordName(plan.environment)],
    ['PHASES', plan.phases.map((p) => p.path).join(' ')],
    ['ACTIONS', actionTable(plan)],
    ['USAGE', USAGE],
    ['DEFAULT_TIMEOUT', String(DEFAULT_PROPAGATION_TIMEOUT_SECONDS)],
    ['DEFAULT_CALL_TIMEOUT', String(DEFAULT_CALL_TIMEOUT_SECONDS)],
    ['WAIT_MARGIN', String(WAIT_DEADLINE_MARGIN_SECONDS)],
    ['REQUEST_TIMEOUT', REQUEST_TIMEOUT],
    ['APPLY_ARGS', words(KUBECTL.apply('-').slice(0, -1))],
    ['RECORD_FORMAT', recordFormat],
    ['RECORD_JSONPATH', RECORD_JSONPATH],
    ['LOCK_NAME', lockName(plan.environment)],
    ['LOCK_FORMAT', lockManifest(plan.environment, plan.namespace, { holder: '%s', host: '%s', pid: '%s', command: '%s', started: '%s' })],
    ['PREVIEW_WITHOUT_CLUSTER', PREVIEW_WITHOUT_CLUSTER],
    ['METHOD_RECONCILED', METHOD_DESCRIPTIONS.reconciled],
    ['METHOD_ISTIOCTL', METHOD_DESCRIPTIONS.istioctl],
    ['METHOD_SLEEP', METHOD_DESCRIPTIONS.sleep],
    ['STATUS_CHECK_BACKOFF', STATUS_CHECK_BACKOFF_SECONDS.join(' ')],
    ['DIFF_ARGS', words(KUBECTL.diff('-').slice(0, -1))],
    ['LIVE_DRIFTED', LIVE_MESSAGES.drifted('%s', '%s', '%s')],
    ['LIVE_RESTORE', LIVE_MESSAGES.restore('%s', '%s', '%s')],
    ['LIVE_NOT_FIRST_INSTALL', LIVE_MESSAGES.notFirstInstall('%s', '%s')],
    ['LIVE_REPLAN', LIVE_MESSAGES.replan('%s')],
  ];
  return `#!/bin/sh
# Generated by cdk8s-phased-rollout from plan.json: do not edit, synthesize again.
# Applies the phases of ${plan.environment} in order, like \`phased-rollout apply\`: server-side apply of
# each phase folder, deletion of what the phase removes, then its gates (rollout, propagation, observe,
# drain). With --rollback, like \`phased-rollout rollback\`: the steps of plan.json's rollback from the
# phase the record names (or --from PHASE) back to the baseline, each applying a phase folder.
# Progress is recorded in ConfigMap ${plan.namespace}/${recordName(plan.environment)}; a rerun resumes
# after the last completed phase or step. Needs kubectl; waits for propagation with istiod's
# Reconciled condition when the cluster reports it, else with istioctl when on PATH, else the plan's
# fixed seconds.
#
# usage: sh apply.sh ${USAGE}
# (--to applies only without --rollback.)
# ${TIME_SCALE_VARIABLE}=0 skips fixed waits (rehearsals against a test cluster only).
set -eu

# The plan's data; everything after it is the same for every plan.
${data.map(([name, value]) => `${name}=${shellQuote(value)}`).join('\n')}

${readFileSync(join(__dirname, BODY_FILE), 'utf8')}`;
}

/** The apply.sh artifact: `<env>/apply.sh`. */
export function applyScriptArtifact(output: EnvironmentOutput): ReadonlyMap<string, string> {
  return new Map([[`${output.environment.name}/apply.sh`, applyScript(output.plan)]]);
}

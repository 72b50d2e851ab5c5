/**
 * A stand-in for a cluster: `kubectl` (and optionally `istioctl`) scripts written into a temp folder
 * that goes first on PATH. They record every call, keep the resume record ConfigMap and the lock
 * ConfigMap (created only when absent, as the API server does for \`kubectl create\`), report istiod
 * status on request, fail any call whose arguments contain a given text, and run a shell command once
 * when a call contains another (a synthesis between two phases, say). The calls that apply, read, compare
 * or delete objects store them (test/apply/stand-in-objects.js), with the defaults and the fields a server adds.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { writeTreeAtomically } from '../../src/synth/output';
import { synthesizeFiles } from '../../src/synth';
import { validateMatrix } from '../../src/matrix';
import { exampleMatrix } from '../../src/example/matrix';
import type { CommandOutcome } from '../command';

/** The object store of the stand-in (apply, get, diff, delete of objects): a node script, see its header. */
const OBJECT_STORE = join(__dirname, 'stand-in-objects.js');

// POSIX sh rather than node: a stand-in call must cost milliseconds, not a node start-up.
const STAND_IN = `#!/bin/sh
state="$STANDIN_STATE"
line="$(basename "$0") $*"
printf '%s\n' "$line" >> "$state/calls.log"
case " $* " in
  *" - "*) input=$(cat); printf '\t%s\n' "$input" >> "$state/calls.log" ;;
  *) input='' ;;
esac
if [ -n "$STANDIN_HOOK_WHEN" ] && [ ! -f "$state/hook.done" ]; then
  case "$line" in *"$STANDIN_HOOK_WHEN"*) : > "$state/hook.done"; sh -c "$STANDIN_HOOK_RUN" ;; esac
fi
if [ -n "$STANDIN_HANG" ]; then
  case "$line" in *"$STANDIN_HANG"*) exec sleep 600 ;; esac # a call that never answers
fi
if [ -n "$STANDIN_FAIL" ]; then
  case "$line" in *"$STANDIN_FAIL"*) echo 'error: timed out waiting for the condition' >&2; exit 1 ;; esac
fi
case "$line" in
  "kubectl "*"create -f -")
    # Create-only, like the API server: a second create of the lock fails with AlreadyExists (mkdir is atomic).
    if mkdir "$state/lock.d" 2>/dev/null; then printf '%s' "$input" > "$state/lock.json"; else
      echo 'Error from server (AlreadyExists): error when creating "STDIN": configmaps "lock" already exists' >&2; exit 1
    fi ;;
  "kubectl "*"get configmap "*"-lock "*)
    if [ -f "$state/lock.json" ]; then sed -e 's/.*"holder":"\\([^"]*\\)".*/\\1/' "$state/lock.json"; fi ;;
  "kubectl "*"delete configmap "*"-lock "*)
    rm -f "$state/lock.json"; rmdir "$state/lock.d" 2>/dev/null || true ;;
  "kubectl "*" apply "*"-f -"|"kubectl apply "*"-f -")
    case "$input" in *'"kind":"ConfigMap"'*) printf '%s' "$input" > "$state/record.json" ;; esac ;;
  "kubectl "*" apply "*|"kubectl apply "*|"kubectl "*"get -f "*|"kubectl get -f "*|"kubectl "*" diff "*|"kubectl diff "*)
    exec "$STANDIN_NODE" "$STANDIN_OBJECTS" "$@" ;; # the objects of phase folders: stored, read back, compared
  "kubectl "*" delete "*|"kubectl delete "*)
    exec "$STANDIN_NODE" "$STANDIN_OBJECTS" "$@" ;;
  "kubectl "*"get configmap "*)
    if [ -f "$state/record.json" ]; then
      sed -e 's/.*"plan":"\\([^"]*\\)".*"completed":"\\([^"]*\\)","applying":"\\([^"]*\\)","finished":"\\([^"]*\\)".*/\\1|\\2|\\3|\\4/' "$state/record.json"
    fi ;;
  "kubectl "*"get application "*)
    printf '%s' "$STANDIN_APPLICATION" ;;
  "kubectl "*"rollout status deployment/"*|"kubectl rollout status deployment/"*)
    # Rolled out at once when stored (the stand-in runs no pods); not found otherwise, as the API server answers.
    name=\${line#*rollout status deployment/}; name=\${name%% *}
    namespace=\${line#* -n }; namespace=\${namespace%% *}
    stored=0
    if [ -f "$state/objects.json" ]; then
      while IFS= read -r stored_line || [ -n "$stored_line" ]; do # builtins only: tests run with a bare PATH
        case "$stored_line" in *'"apps/Deployment/'"$namespace/$name"'"'*) stored=1; break ;; esac
      done < "$state/objects.json"
    fi
    if [ "$stored" = 0 ]; then echo "Error from server (NotFound): deployments.apps '$name' not found" >&2; exit 1; fi ;;
  "kubectl "*"status.conditions"*)
    if [ "$STANDIN_ISTIO_STATUS" = 1 ]; then printf 'Reconciled'; fi ;;
esac
exit 0
`;

/** How the stand-in cluster behaves. */
export interface StandInSettings {
  /** Calls whose line contains this text fail (exit 1); default none. */
  readonly fail?: string;
  /** Calls whose line contains this text never answer (they sleep until killed); default none. */
  readonly hang?: string;
  /** Whether istiod reports config status (the Reconciled condition); default false. */
  readonly istioStatus?: boolean;
  /** What `kubectl get application -o jsonpath=path|sync|health` prints; default nothing. */
  readonly application?: string;
  /** A shell command run once, before answering, by the first call whose line contains `when`; default none. */
  readonly hook?: { readonly when: string; readonly run: string };
}

/** Whether a call reads the live objects of phase folders (the live check before each phase: `get -f`, `diff -f`). */
export function isLiveCall(call: Call): boolean {
  return / get -f | diff /.test(call.line);
}

/** Whether a call takes, reads or releases the environment's lock. */
export function isLockCall(call: Call): boolean {
  return / configmap \S+-lock /.test(call.line) || (call.stdin ?? '').includes('-lock"');
}

/** One recorded call. */
export interface Call {
  /** Program and arguments, joined by spaces. */
  readonly line: string;
  /** Standard input, when the call read it (`-f -`). */
  readonly stdin?: string;
}

/** A stand-in cluster: its PATH folder, state folder, and the environment to run tools with. */
export class StandInCluster {
  /** Folder with the stand-in programs (first on PATH). */
  readonly bin: string;
  /** Folder with the call log and the record. */
  readonly state: string;

  constructor(options: { istioctl?: boolean } = {}) {
    const root = mkdtempSync(join(tmpdir(), 'stand-in-cluster-'));
    this.bin = join(root, 'bin');
    this.state = join(root, 'state');
    mkdirSync(this.bin);
    mkdirSync(this.state);
    for (const program of ['kubectl', ...(options.istioctl ? ['istioctl'] : [])]) {
      writeFileSync(join(this.bin, program), STAND_IN);
      chmodSync(join(this.bin, program), 0o755);
    }
  }

  /** Environment for the code under test: stand-ins first on PATH, then the given settings. */
  env(settings: StandInSettings = {}): NodeJS.ProcessEnv {
    // Without istioctl in the stand-in folder, the real PATH must not provide one either.
    const path = (process.env.PATH ?? '').split(delimiter).filter((dir) => !existsSync(join(dir, 'istioctl')));
    return {
      ...process.env,
      PATH: [this.bin, ...path].join(delimiter),
      STANDIN_STATE: this.state,
      STANDIN_OBJECTS: OBJECT_STORE,
      STANDIN_NODE: process.execPath,
      STANDIN_FAIL: settings.fail ?? '',
      STANDIN_ISTIO_STATUS: settings.istioStatus ? '1' : '0',
      STANDIN_APPLICATION: settings.application ?? '', // what `kubectl get application -o jsonpath=path|sync|health` prints
      STANDIN_HANG: settings.hang ?? '',
      STANDIN_HOOK_WHEN: settings.hook?.when ?? '',
      STANDIN_HOOK_RUN: settings.hook?.run ?? '',
      PHASED_ROLLOUT_TIME_SCALE: '0',
    };
  }

  /** The calls so far but those of the lock and of the live checks (their own tests read {@link allCalls}), in order. */
  calls(): Call[] {
    return this.allCalls().filter((call) => !isLockCall(call) && !isLiveCall(call));
  }

  /** Stores the objects of a folder as if they had been applied (what the cluster runs before a test), without logging a call. */
  seed(folder: string): void {
    const result = spawnSync(process.execPath, [OBJECT_STORE, 'apply', '--server-side', '-f', folder], { env: this.env(), encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`stand-in: cannot seed ${folder}: ${result.stderr}`);
  }

  /** Changes one stored object in place (someone ran kubectl scale, set image or edit); throws when it is not stored. */
  edit(kind: string, namespace: string, name: string, change: (object: any) => void): void {
    const file = join(this.state, 'objects.json');
    const objects = JSON.parse(readFileSync(file, 'utf8'));
    const key = Object.keys(objects).find((k) => k.endsWith(`/${kind}/${namespace}/${name}`));
    if (key === undefined) throw new Error(`stand-in: no ${kind} ${namespace}/${name} stored`);
    change(objects[key]);
    writeFileSync(file, JSON.stringify(objects));
  }

  /** The stored objects, by `group/Kind/namespace/name`. */
  objects(): Record<string, any> {
    const file = join(this.state, 'objects.json');
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  }

  /** Every call so far, in order (a line per call; its standard input, if read, on the next line after a tab). */
  allCalls(): Call[] {
    const log = join(this.state, 'calls.log');
    if (!existsSync(log)) return [];
    const calls: { line: string; stdin?: string }[] = [];
    for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
      if (line.startsWith('\t')) calls[calls.length - 1].stdin = line.slice(1);
      else calls.push({ line });
    }
    return calls;
  }

  /** Forgets the calls (the record stays). */
  clearCalls(): void {
    writeFileSync(join(this.state, 'calls.log'), '');
  }

  /** The lock ConfigMap's data, while one is held. */
  lock(): Record<string, string> | undefined {
    const file = join(this.state, 'lock.json');
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).data : undefined;
  }

  /** The record ConfigMap's data, if written. */
  record(): Record<string, string> | undefined {
    const file = join(this.state, 'record.json');
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).data : undefined;
  }
}

/** The example release synthesized into a fresh temp folder (the code's current output, not the committed dist/). */
export function synthesizedExample(): string {
  const out = join(mkdtempSync(join(tmpdir(), 'apply-dist-')), 'dist');
  writeTreeAtomically(out, synthesizeFiles(validateMatrix(exampleMatrix)));
  return out;
}

/**
 * The command line of each executor of one environment folder, by name: apply.sh and `phased-rollout apply`,
 * and their rollbacks from the switch phase.
 */
export function executorCommands(environment: string): Readonly<Record<string, readonly string[]>> {
  const cli = join(__dirname, '../../bin/phased-rollout');
  return {
    'apply.sh': ['sh', join(environment, 'apply.sh')],
    'phased-rollout apply': [process.execPath, cli, 'apply', environment],
    'apply.sh --rollback': ['sh', join(environment, 'apply.sh'), '--rollback', '--from', 'switch'],
    'phased-rollout rollback': [process.execPath, cli, 'rollback', environment, '--from', 'switch'],
  };
}

/** A command outcome with the temp dist folder shortened to `DIST` in its error message. */
export function hideDist(outcome: CommandOutcome, dist: string): CommandOutcome {
  return outcome.error === undefined ? outcome : { ...outcome, error: outcome.error.split(dist).join('DIST') };
}

/** A call as one readable line, with the temp dist folder shortened to `DIST`. */
export function show(call: Call, dist: string): string {
  return call.line.split(dist).join('DIST');
}

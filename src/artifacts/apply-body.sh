# The static part of dist/<env>/apply.sh (src/artifacts/apply-body.sh in cdk8s-phased-rollout): synthesis
# writes the plan's data above this line (TITLE, NAMESPACE, RECORD_NAME, PHASES, ACTIONS and the
# texts shared with phased-rollout) and this file after it, so that apply.sh stays one file.
# shellcheck shell=sh
HERE=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
NL='
'
SCALE=${PHASED_ROLLOUT_TIME_SCALE:-1}

MODE=apply FROM='' TO='' FROM_GIVEN=0 TO_GIVEN=0 CONTEXT='' DRY_RUN=0 TIMEOUT=$DEFAULT_TIMEOUT TIMEOUT_GIVEN=''
CALL_TIMEOUT=$DEFAULT_CALL_TIMEOUT CALL_TIMEOUT_GIVEN='' DEADLINE=''
PASS='' METHOD='' LABEL='' TAKE_OVER=0 LOCKED=0

usage() {
  echo "usage: sh $0 $USAGE" >&2
  exit 2
}

# quoted WORD...: the words as a shell needs them typed, quoted as phased-rollout prints commands.
quoted() {
  line=''
  for word in "$@"; do
    case "$word" in
      ''|*[!]A-Za-z0-9_@%+=:,./{}[-]*) word="'$(printf '%s' "$word" | sed "s/'/'\\\\''/g")'" ;;
    esac
    line="$line${line:+ }$word"
  done
  printf '%s' "$line"
}

# option NAME VALUE: one of --from, --to, --context, --timeout (written NAME VALUE or NAME=VALUE).
option() {
  case "$1" in
    --from) FROM=$2; FROM_GIVEN=1; return 0 ;;
    --to) TO=$2; TO_GIVEN=1 ;;
    --context) CONTEXT=$2 ;;
    --timeout) TIMEOUT=${2%s}; TIMEOUT_GIVEN=$2 ;;
    --call-timeout) CALL_TIMEOUT=${2%s}; CALL_TIMEOUT_GIVEN=$2 ;;
  esac
  PASS="$PASS $(quoted "$1" "$2")"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --rollback) MODE=rollback; shift ;;
    --from|--to|--context|--timeout|--call-timeout) [ $# -ge 2 ] || usage; option "$1" "$2"; shift 2 ;;
    --from=*|--to=*|--context=*|--timeout=*|--call-timeout=*) option "${1%%=*}" "${1#*=}"; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    --take-over-lock) TAKE_OVER=1; shift ;;
    *) echo "apply.sh: unknown argument $1" >&2; usage ;;
  esac
done
case "$TIMEOUT" in
  ''|0*|*[!0-9]*) echo "apply.sh: --timeout $TIMEOUT_GIVEN: expected whole seconds > 0, e.g. 120 or 120s" >&2; exit 2 ;;
esac
case "$CALL_TIMEOUT" in
  ''|0*|*[!0-9]*) echo "apply.sh: --call-timeout $CALL_TIMEOUT_GIVEN: expected whole seconds > 0, e.g. 120 or 120s" >&2; exit 2 ;;
esac
# Checked as phased-rollout checks it: a value awk would read as 0 must not skip the waits silently.
case "$SCALE" in
  ''|.|*[!0-9.]*|*.*.*) echo "apply.sh: PHASED_ROLLOUT_TIME_SCALE=$SCALE: expected a number >= 0 (1 waits as planned, 0 skips fixed waits)" >&2; exit 2 ;;
esac
if [ "$MODE" = rollback ] && [ "$TO_GIVEN" = 1 ]; then echo "apply.sh: --to does not apply to --rollback (a rollback runs to the baseline)" >&2; usage; fi

# bounded SECONDS PROGRAM ARGS...: the program, killed past its deadline by coreutils' timeout when it
# is installed (exit 124, as phased-rollout reports a call past its deadline).
if command -v timeout >/dev/null 2>&1; then HAS_TIMEOUT=1; else HAS_TIMEOUT=0; fi
bounded() {
  _seconds=$1
  shift
  if [ "$HAS_TIMEOUT" = 0 ]; then "$@"; return; fi
  _code=0
  timeout "$_seconds" "$@" || _code=$?
  if [ "$_code" = 124 ]; then echo "timed out: no answer within ${_seconds}s (the deadline of this call)" >&2; fi
  return "$_code"
}

# kubectl_ ARGS...: kubectl within the call deadline (--call-timeout), or DEADLINE seconds when set
# (a wait: its own --timeout and a margin); DEADLINE is for one call only.
kubectl_() {
  _deadline=${DEADLINE:-$CALL_TIMEOUT}
  DEADLINE=''
  if [ -n "$CONTEXT" ]; then bounded "$_deadline" kubectl "--context=$CONTEXT" "$@"; else bounded "$_deadline" kubectl "$@"; fi
}

istioctl_() {
  _deadline=$((TIMEOUT + WAIT_MARGIN))
  if [ -n "$CONTEXT" ]; then bounded "$_deadline" istioctl "--context=$CONTEXT" "$@"; else bounded "$_deadline" istioctl "$@"; fi
}

# kubectl_line ARGS... / istioctl_line ARGS...: the command as kubectl_ or istioctl_ runs it, for messages and dry runs.
kubectl_line() { quoted kubectl ${CONTEXT:+"--context=$CONTEXT"} "$@"; }
istioctl_line() { quoted istioctl ${CONTEXT:+"--context=$CONTEXT"} "$@"; }

sha256_() { # FILE...: `SHA256  FILE` lines (standard input for no FILE), with sha256sum or shasum
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

# plan_listing: plan.json and the phase files as they are now, as `SHA256  PATH` lines sorted by path in
# byte order; identity_of LISTING: the plan identity of a listing. The same as phased-rollout computes
# them (src/apply/record.ts).
plan_listing() {
  if ! command -v sha256sum >/dev/null 2>&1 && ! command -v shasum >/dev/null 2>&1; then
    echo "$TITLE: apply.sh needs sha256sum or shasum (to compute the plan identity)" >&2
    return 1
  fi
  for _phase in $PHASES; do
    if [ ! -d "$HERE/$_phase" ]; then echo "$HERE/$_phase: no such phase folder (plan.json names it): synthesize again" >&2; return 1; fi
  done
  # shellcheck disable=SC2086 # PHASES: folder names, split on purpose
  _files=$(cd "$HERE" && { echo plan.json; find -H $PHASES ! -type d ! -type p ! -type s \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) ! -name plan.json; } | LC_ALL=C sort) || return 1
  _ifs=$IFS
  IFS=$NL
  set -f
  # shellcheck disable=SC2086 # one file a line
  _sums=$(cd "$HERE" && sha256_ $_files) || { IFS=$_ifs; set +f; return 1; }
  IFS=$_ifs
  set +f
  printf '%s\n' "$_sums"
}

identity_of() {
  _digest=$(printf '%s\n' "$1" | sha256_) || return 1
  printf '%s%.20s\n' "$IDENTITY_PREFIX" "$_digest"
}

# check_unchanged FOLDER: stops before applying FOLDER when plan.json or a phase file changed since
# the plan was read (a synthesis or an edit meanwhile): only the plan whose identity was checked runs.
check_unchanged() {
  _now=$(plan_listing) || exit 2
  if [ "$_now" = "$PLAN_LISTING" ]; then return 0; fi
  _changed=$(printf '%s\n%s\n' "$PLAN_LISTING" "$_now" | LC_ALL=C sort | uniq -u | sed 's/^[^ ]*  //' | LC_ALL=C sort -u)
  _count=$(printf '%s\n' "$_changed" | wc -l)
  _shown=$(printf '%s\n' "$_changed" | head -n 5 | awk 'NR > 1 { printf ", " } { printf "%s", $0 }')
  if [ "$_count" -gt 5 ]; then _shown="$_shown and $((_count - 5)) more"; fi
  echo "$RUN_TITLE: $UNIT $LABEL: the plan changed since this run read it ($_shown): stopped before applying $1" >&2
  echo "review the plan as it is now (phased-rollout plan), then continue with: $(resume_command)" >&2
  exit 1
}

elapsed() {
  echo "$(( $(date +%s) - $1 ))s"
}

resume_command() { # the command that continues this run at the current phase or step
  if [ "$MODE" = rollback ]; then
    echo "$(quoted sh "$0" --rollback --from "$FROM")$PASS"
  else
    echo "$(quoted sh "$0" --from "$LABEL")$PASS"
  fi
}

fail() { # what, exit code, command
  echo "$RUN_TITLE: $UNIT $LABEL: $1 failed (exit $2): $3" >&2
  echo "resume with: $(resume_command)" >&2
  exit 1
}

# step DESCRIPTION KUBECTL_ARGS...: runs kubectl (prints it in a dry run); fails the phase or step on error.
step() {
  what=$1
  shift
  if [ "$DRY_RUN" = 1 ]; then DEADLINE=''; kubectl_line "$@"; echo; return 0; fi
  started=$(date +%s)
  kubectl_ "$@" >/dev/null || { code=$?; fail "$what" "$code" "$(kubectl_line "$@")"; }
  echo "  $what ($(elapsed "$started"))"
}


write_record() { # completed, applying, finished
  # shellcheck disable=SC2059 # the format is the record's JSON with %s for its five fields
  json=$(printf "$RECORD_FORMAT" "$RUN_ID" "$RUN_TITLE" "$1" "$2" "$3")
  # shellcheck disable=SC2086 # APPLY_ARGS: kubectl's words for a server-side apply, split on purpose
  if [ "$DRY_RUN" = 1 ]; then printf '%s <<%s\n%s\nEOF\n' "$(kubectl_line $APPLY_ARGS -)" "'EOF'" "$json"; return 0; fi
  # shellcheck disable=SC2086
  printf '%s\n' "$json" | kubectl_ $APPLY_ARGS - >/dev/null ||
    { code=$?; fail 'record progress' "$code" "$(kubectl_line $APPLY_ARGS -)"; }
}

scaled_sleep() { # seconds, scaled by PHASED_ROLLOUT_TIME_SCALE
  seconds=$(awk -v s="$1" -v k="$SCALE" 'BEGIN { printf "%d", s * k + 0.5 }')
  if [ "$seconds" -gt 0 ]; then sleep "$seconds"; fi
}

# The actions of a step (ACTIONS: `KEY ACTION ARGS...`, run as action_ACTION ARGS...), as
# src/apply/steps.ts defines them for phased-rollout.

# live_equals FOLDER: whether the live objects equal FOLDER's files (kubectl diff exits 0); when they differ
# (exit 1), LIVE_DIFF holds the lines that differ; any other exit fails the step.
live_equals() {
  _code=0
  # shellcheck disable=SC2086 # DIFF_ARGS: kubectl's words for a server-side diff, split on purpose
  _out=$(kubectl_ $DIFF_ARGS "$HERE/$1" 2>&1) || _code=$?
  case "$_code" in
    0) return 0 ;;
    1) LIVE_DIFF=$(printf '%s\n' "$_out" | grep -E '^[-+]' | grep -vE '^(---|[+][+][+]) ' | head -n 20 | sed 's/^/  /'); return 1 ;;
  esac
  printf '%s\n' "$_out" | tail -n 3 >&2
  # shellcheck disable=SC2086
  fail "compare the live objects with $1" "$_code" "$(kubectl_line $DIFF_ARGS "$HERE/$1")"
}

# live_check FOLDER: before applying FOLDER, as phased-rollout checks it (src/apply/live.ts), with the same
# messages: the live objects equal the folder applied before (PREVIOUS_FOLDER) or FOLDER itself (a resume);
# before a plan's first phase, none of them is in the cluster (a first install) or they equal FOLDER.
# apply.sh cannot run the verifier: anything else stops the run. Not in a dry run.
live_check() {
  if [ "$DRY_RUN" = 1 ]; then return 0; fi
  _started=$(date +%s)
  if [ -n "$PREVIOUS_FOLDER" ]; then
    if live_equals "$PREVIOUS_FOLDER"; then echo "  live: the cluster holds $PREVIOUS_FOLDER ($(elapsed "$_started"))"; return 0; fi
    _drift=$LIVE_DIFF
    if live_equals "$1"; then echo "  live: the cluster already holds $1 ($(elapsed "$_started"))"; return 0; fi
    # shellcheck disable=SC2059 # the formats are phased-rollout's messages with %s for their parts
    printf "$LIVE_DRIFTED\n" "$RUN_TITLE: $UNIT $LABEL" "$PREVIOUS_FOLDER" "$1" "$1" >&2
    printf '%s\n' "$_drift" >&2
    # shellcheck disable=SC2059,SC2086
    printf "$LIVE_RESTORE\n" "$PREVIOUS_FOLDER" "$(kubectl_line $APPLY_ARGS "$HERE/$PREVIOUS_FOLDER")" "$(resume_command)" >&2
    exit 1
  fi
  _found=$(kubectl_ "$REQUEST_TIMEOUT" get -f "$HERE/$1" --ignore-not-found -o name) ||
    { code=$?; fail "read the live objects of $1" "$code" "$(kubectl_line "$REQUEST_TIMEOUT" get -f "$HERE/$1" --ignore-not-found -o name)"; }
  if [ -z "$_found" ]; then echo "  live: none of its objects in the cluster (a first install) ($(elapsed "$_started"))"; return 0; fi
  if live_equals "$1"; then echo "  live: the cluster already holds $1 ($(elapsed "$_started"))"; return 0; fi
  # shellcheck disable=SC2059
  printf "$LIVE_NOT_FIRST_INSTALL\n" "$RUN_TITLE: $UNIT $LABEL" "$1" "$1" >&2
  printf '%s\n' "$LIVE_DIFF" >&2
  # shellcheck disable=SC2059
  printf "$LIVE_REPLAN\n" "$(resume_command)" >&2
  exit 1
}

action_apply() { # FOLDER: server-side apply of a phase folder, as it was when the run read the plan
  check_unchanged "$1"
  live_check "$1"
  # shellcheck disable=SC2086
  step "apply $1" $APPLY_ARGS "$HERE/$1"
}

action_record() { # applying | completed: the resume record
  if [ "$1" = applying ]; then
    write_record "$previous" "$LABEL" false
  else
    finished=false
    if [ "$LABEL" = "$last" ]; then finished=true; fi
    write_record "$LABEL" '' "$finished"
  fi
}

action_remove() { step "delete $3" "$@"; } # KUBECTL_DELETE_ARGS...
action_rollout() { timed_gate rollout "$@"; } # KUBECTL_ROLLOUT_ARGS...
action_capacity() { timed_gate capacity "$@"; } # KUBECTL_WAIT_ARGS...: until the Deployment has the pods its pinned autoscaler keeps

timed_gate() { # GATE KUBECTL_ARGS...: a kubectl wait bounded by its --timeout and a margin (its third word names the Deployment)
  _gate=$1
  shift
  for _arg in "$@"; do
    case "$_arg" in --timeout=*) _wait=${_arg#--timeout=}; _wait=${_wait%s} ;; esac
  done
  DEADLINE=$((_wait + WAIT_MARGIN))
  step "gate $_gate $3" "$@"
}

action_pause() { # gate, seconds
  if [ "$DRY_RUN" = 1 ]; then echo "sleep $2"; return 0; fi
  started=$(date +%s)
  scaled_sleep "$2"
  echo "  gate $1: $2s ($(elapsed "$started"))"
}

# action_propagation SECONDS RESOURCE NAMESPACE...: istiod's Reconciled condition, else istioctl, else sleep.
action_propagation() {
  seconds=$1
  shift
  if [ "$DRY_RUN" = 1 ]; then
    while [ $# -gt 0 ]; do kubectl_line wait --for=condition=Reconciled "$1" -n "$2" "--timeout=${TIMEOUT}s"; echo; shift 2; done
    echo "# (without istiod config status: istioctl x wait --for=distribution, or sleep $seconds)"
    return 0
  fi
  started=$(date +%s)
  if [ $# -eq 0 ]; then
    # Deleted config has no status to wait for (a retired service's routes): the fixed wait.
    echo "  gate propagation: ${seconds}s, deletions only"
    scaled_sleep "$seconds"
    return 0
  fi
  if [ -z "$METHOD" ]; then
    # A failed check (RBAC denial, API error) is retried, then fails the gate: never taken for "no status".
    for backoff in $STATUS_CHECK_BACKOFF ''; do
      if [ -n "$backoff" ]; then
        conditions=$(kubectl_ "$REQUEST_TIMEOUT" get "$1" -n "$2" -o 'jsonpath={.status.conditions[*].type}' 2>/dev/null) && break
      else
        conditions=$(kubectl_ "$REQUEST_TIMEOUT" get "$1" -n "$2" -o 'jsonpath={.status.conditions[*].type}') && break
      fi
      code=$?
      if [ -z "$backoff" ]; then fail 'detect istiod config status' "$code" "$(kubectl_line "$REQUEST_TIMEOUT" get "$1" -n "$2" -o 'jsonpath={.status.conditions[*].type}')"; fi
      echo "  propagation: cannot tell whether istiod reports config status (exit $code); retrying in ${backoff}s"
      scaled_sleep "$backoff"
    done
    if [ -n "$conditions" ]; then
      METHOD='reconciled'
      echo "  propagation: $METHOD_RECONCILED"
    elif command -v istioctl >/dev/null 2>&1; then
      METHOD='istioctl'
      echo "  propagation: $METHOD_ISTIOCTL"
    else
      METHOD='sleep'
      echo "  propagation: $METHOD_SLEEP"
    fi
  fi
  if [ "$METHOD" = sleep ]; then
    scaled_sleep "$seconds"
  else
    while [ $# -gt 0 ]; do
      if [ "$METHOD" = reconciled ]; then
        DEADLINE=$((TIMEOUT + WAIT_MARGIN))
        kubectl_ wait --for=condition=Reconciled "$1" -n "$2" "--timeout=${TIMEOUT}s" >/dev/null ||
          { code=$?; fail "gate propagation $1" "$code" "$(kubectl_line wait --for=condition=Reconciled "$1" -n "$2" "--timeout=${TIMEOUT}s")"; }
      else
        istioctl_ x wait --for=distribution "${1%%.*}" "${1#*/}.$2" "--timeout=${TIMEOUT}s" >/dev/null ||
          { code=$?; fail "gate propagation $1" "$code" "$(istioctl_line x wait --for=distribution "${1%%.*}" "${1#*/}.$2" "--timeout=${TIMEOUT}s")"; }
      fi
      shift 2
    done
  fi
  echo "  gate propagation ($(elapsed "$started"))"
}

# each_action CALLBACK: calls CALLBACK KEY ACTION ARGS... for every line of ACTIONS, in order.
each_action() {
  _callback=$1
  _ifs=$IFS
  IFS=$NL
  set -f
  for _line in $ACTIONS; do
    IFS=$_ifs
    eval "set -- $_line"
    "$_callback" "$@"
    IFS=$NL
  done
  IFS=$_ifs
  set +f
}

run_if_key() { if [ "$1" = "$KEY" ]; then _action=$2; shift 2; "action_$_action" "$@"; fi; }
run_actions() { KEY=$1; each_action run_if_key; } # KEY: a phase folder, or FROM/STEP of a rollback step

folder_if_key() { if [ "$1" = "$KEY" ] && [ "$2" = apply ]; then FOLDER=$3; fi; }
step_folder() { KEY=$1 FOLDER=''; each_action folder_if_key; echo "$FOLDER"; } # KEY: the phase folder it applies

label_if_from() { case "$1" in "$KEY"/*) if [ "$2" = apply ]; then STEPS="$STEPS${STEPS:+ }${1#*/}"; fi ;; esac; }
rollback_steps() { KEY=$1 STEPS=''; each_action label_if_from; echo "$STEPS"; } # FROM: the steps of the rollback from it

# take_lock: one release at a time (src/apply/lock.ts): creates the lock ConfigMap (create-only) or
# refuses, naming the holder; --take-over-lock first deletes one a killed run left. Not in a dry run.
take_lock() {
  if [ "$DRY_RUN" = 1 ]; then return 0; fi
  if [ "$MODE" = rollback ]; then command='apply.sh --rollback'; else command='apply.sh'; fi
  holder="$command on $(uname -n) (pid $$) since $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  if [ "$TAKE_OVER" = 1 ]; then
    held=$(kubectl_ "$REQUEST_TIMEOUT" get configmap "$LOCK_NAME" -n "$NAMESPACE" --ignore-not-found -o 'jsonpath={.data.holder}') || held=''
    if [ -n "$held" ]; then echo "$TITLE: taking over the lock held by $held"; fi
    error=$(kubectl_ "$REQUEST_TIMEOUT" delete configmap "$LOCK_NAME" -n "$NAMESPACE" --ignore-not-found 2>&1 >/dev/null) ||
      { code=$?; echo "$TITLE: cannot take over the lock (ConfigMap $NAMESPACE/$LOCK_NAME): kubectl delete exited $code: $error" >&2; exit 1; }
  fi
  # shellcheck disable=SC2059 # the format is the lock's JSON with %s for its five fields
  lock=$(printf "$LOCK_FORMAT" "$holder" "$(uname -n)" "$$" "$command" "${holder##* since }")
  if error=$(printf '%s\n' "$lock" | kubectl_ "$REQUEST_TIMEOUT" create -f - 2>&1 >/dev/null); then
    LOCKED=1
    trap release_lock EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    return 0
  else
    code=$?
  fi
  case "$error" in
    *AlreadyExists*|*'already exists'*)
      held=$(kubectl_ "$REQUEST_TIMEOUT" get configmap "$LOCK_NAME" -n "$NAMESPACE" --ignore-not-found -o 'jsonpath={.data.holder}') || held=''
      echo "$TITLE: another run holds the lock (ConfigMap $NAMESPACE/$LOCK_NAME): ${held:-an unknown run}. Wait for it to end; if that run is gone (killed), take the lock over with --take-over-lock" >&2 ;;
    *) echo "$TITLE: cannot take the lock (ConfigMap $NAMESPACE/$LOCK_NAME): kubectl create exited $code: $error" >&2 ;;
  esac
  exit 1
}

release_lock() { # on exit, also after a failure or an interrupt
  if [ "$LOCKED" = 1 ]; then
    LOCKED=0
    error=$(kubectl_ "$REQUEST_TIMEOUT" delete configmap "$LOCK_NAME" -n "$NAMESPACE" --ignore-not-found 2>&1 >/dev/null) ||
      echo "$TITLE: could not release the lock (ConfigMap $NAMESPACE/$LOCK_NAME): $error; delete it with kubectl $REQUEST_TIMEOUT delete configmap $LOCK_NAME -n $NAMESPACE --ignore-not-found" >&2
  fi
}

resolve() { # phase folder or name, option
  for p in $PHASES; do
    if [ "$p" = "$1" ] || [ "${p#*-}" = "$1" ]; then echo "$p"; return 0; fi
  done
  echo "apply.sh: $2 $1: no such phase in $TITLE (phases: $PHASES)" >&2
  exit 2
}

position() { # 1-based position of a phase or step in LABELS, 0 when absent
  n=0
  for p in $LABELS; do
    n=$((n + 1))
    if [ "$p" = "$1" ]; then echo "$n"; return 0; fi
  done
  echo 0
}

after() { # the phase or step after the given one in LABELS, empty after the last
  found=0
  for p in $LABELS; do
    if [ "$found" = 1 ]; then echo "$p"; return 0; fi
    if [ "$p" = "$1" ]; then found=1; fi
  done
}

read_record() {
  record=$(kubectl_ "$REQUEST_TIMEOUT" get configmap "$RECORD_NAME" -n "$NAMESPACE" --ignore-not-found -o "$RECORD_JSONPATH") || {
    hint=''
    # With --from, apply reads no record (a rollback always does, to resume one stopped part-way).
    if [ "$DRY_RUN" = 1 ] && [ "$MODE" != rollback ]; then hint=$PREVIEW_WITHOUT_CLUSTER; fi
    echo "$TITLE: cannot read the resume record (kubectl get configmap $RECORD_NAME -n $NAMESPACE)$hint" >&2
    exit 1
  }
  rec_plan='' rec_completed='' rec_applying='' rec_finished=''
  if [ -n "$record" ]; then
    IFS='|' read -r rec_plan rec_completed rec_applying rec_finished <<EOF
$record
EOF
  fi
}

earlier_identity() { # IDENTITY: whether an earlier phased-rollout computed it (sha256- and 20 hex digits)
  case "$1" in
    sha256-*) _hex=${1#sha256-}; _hex=${_hex%%/*}
      case "$_hex" in *[!0-9a-f]*) return 1 ;; esac
      [ "${#_hex}" = 20 ] ;;
    *) return 1 ;;
  esac
}

# check_from_agrees: a rollback starts from what the cluster holds (src/apply/rollback.ts): a --from
# that contradicts this plan's record, or the record of one of its rollbacks, is refused.
check_from_agrees() {
  if [ -z "$rec_plan" ]; then return 0; fi
  choose="the environment is at %s; roll back with --from %s, or without --from"
  if [ "$rec_plan" = "$PLAN_ID" ]; then
    at=${rec_applying:-$rec_completed}
    if [ -z "$at" ] || [ "$at" = "$FROM" ]; then return 0; fi
    if [ -n "$rec_applying" ]; then shows="$rec_applying applied (its gates not passed)"; else shows="$rec_completed completed"; fi
    # shellcheck disable=SC2059 # choose: the advice, with the phase twice
    echo "$TITLE: --from $FROM contradicts the cluster record, which shows $shows: $(printf "$choose" "$at" "$at")" >&2
    exit 1
  fi
  for p in $PHASES; do
    if [ "$rec_plan" = "$PLAN_ID/rollback/$p" ] && [ "$p" != "$FROM" ]; then
      if [ "$rec_finished" = true ]; then
        echo "$TITLE: --from $FROM contradicts the cluster record, which shows the rollback from $p finished: the environment is at the baseline ($baseline); nothing to roll back" >&2
      else
        if [ -n "$rec_applying" ]; then where="while applying $rec_applying"; else where="after ${rec_completed:-no step}"; fi
        # shellcheck disable=SC2059
        echo "$TITLE: --from $FROM contradicts the cluster record, which shows the rollback from $p stopped $where: $(printf "$choose" "$p" "$p")" >&2
      fi
      exit 1
    fi
  done
}

decide_start() { # from the record: start and reason, or exit when there is nothing to do
  start=$first
  if [ -z "$rec_plan" ]; then
    reason="no record in the cluster: starting at the first $UNIT"
  elif [ "$rec_plan" != "$RUN_ID" ]; then
    if [ "$rec_finished" != true ]; then
      if [ -n "$rec_applying" ]; then where="while applying $rec_applying"; else where="after ${rec_completed:-no phase}"; fi
      if earlier_identity "$rec_plan"; then
        next=$rec_applying
        if [ -z "$next" ]; then next=$(after "$rec_completed"); fi
        echo "$RUN_TITLE: the cluster record (plan $rec_plan) was written by an earlier phased-rollout, which computed plan identities differently, and shows a run that stopped $where: if that run was this plan, continue it with --from ${next:-$first}; otherwise finish or roll back that plan first" >&2
        exit 1
      fi
      # Synthesis keeps the plan it replaced: name where, and how to roll it back.
      kept="$HERE/.plans/${rec_plan%%/*}"
      case "$rec_plan" in */rollback/*) back=${rec_plan##*/rollback/} ;; *) back=${rec_applying:-$rec_completed} ;; esac
      if [ -f "$kept/plan.json" ]; then kept="; synthesis kept that plan in $kept: roll it back with sh $kept/apply.sh --rollback --from $back"; else kept=''; fi
      echo "$RUN_TITLE: the cluster record shows another plan ($rec_plan) that stopped $where: finish or roll back that plan first, or pass --from PHASE to start this one anyway$kept" >&2
      exit 1
    fi
    reason="the cluster record is of a previous plan that finished: starting at the first $UNIT"
  elif [ "$rec_finished" = true ]; then
    echo "$RUN_TITLE: every $UNIT is already applied (last: $rec_completed); nothing to do"
    exit 0
  elif [ "$(position "$rec_completed")" = 0 ]; then
    reason="the cluster record shows no completed $UNIT: starting at the first $UNIT"
  else
    start=$(after "$rec_completed")
    reason="the cluster record shows $rec_completed completed: resuming after it"
  fi
}

baseline=${PHASES%% *}
if [ "$MODE" = rollback ]; then
  # A mistyped --from is a usage error before anything asks the cluster.
  if [ "$FROM_GIVEN" = 1 ]; then FROM=$(resolve "$FROM" --from); fi
  PLAN_LISTING=$(plan_listing) || exit 2
  PLAN_ID=$(identity_of "$PLAN_LISTING") || exit 2
  take_lock
  read_record
  if [ "$FROM_GIVEN" = 1 ]; then
    check_from_agrees
  elif [ -z "$rec_plan" ]; then
    echo "$TITLE: the cluster has no phased-rollout record: pass --from PHASE, the phase the environment is at" >&2
    exit 1
  elif [ "$rec_plan" = "$PLAN_ID" ]; then
    FROM=${rec_applying:-$rec_completed}
  else
    for p in $PHASES; do
      if [ "$rec_plan" = "$PLAN_ID/rollback/$p" ]; then FROM=$p; fi
    done
    if [ -z "$FROM" ]; then
      echo "$TITLE: the cluster record names plan $rec_plan, which is neither $HERE nor one of its rollbacks: pass --from PHASE" >&2
      exit 1
    fi
  fi
  if [ -z "$FROM" ] || [ "$FROM" = "$baseline" ]; then
    echo "$TITLE: at the baseline ($baseline); nothing to roll back"
    exit 0
  fi
  LABELS=$(rollback_steps "$FROM")
  if [ -z "$LABELS" ]; then echo "$TITLE: plan.json has no rollback from $FROM: synthesize again" >&2; exit 2; fi
  RUN_ID="$PLAN_ID/rollback/$FROM"
  RUN_TITLE="$TITLE rollback from $FROM"
  UNIT=step
  KEY_PREFIX="$FROM/"
  first=${LABELS%% *}
  last=${LABELS##* }
  end=$last
  echo "$TITLE: rolling back from $FROM"
  # A run of this rollback stopped part-way resumes; otherwise it starts at its first step.
  if [ "$rec_plan" = "$RUN_ID" ]; then
    decide_start
  else
    start=$first
    reason="rolling back from $FROM"
  fi
else
  PLAN_LISTING=$(plan_listing) || exit 2
  PLAN_ID=$(identity_of "$PLAN_LISTING") || exit 2
  take_lock
  LABELS=$PHASES RUN_ID=$PLAN_ID RUN_TITLE=$TITLE UNIT=phase KEY_PREFIX=''
  first=${LABELS%% *}
  last=${LABELS##* }
  end=$last
  if [ "$TO_GIVEN" = 1 ]; then end=$(resolve "$TO" --to); fi
  if [ "$FROM_GIVEN" = 1 ]; then
    start=$(resolve "$FROM" --from)
    reason="--from $FROM"
  else
    read_record
    decide_start
  fi
fi
if [ -z "$start" ] || [ "$(position "$start")" -gt "$(position "$end")" ]; then
  echo "$RUN_TITLE: nothing to apply: $reason, which is after --to $end" >&2
  exit 1
fi
COUNT=$(position "$last")
if [ "$DRY_RUN" = 1 ]; then dry=', dry run: printing the commands'; else dry=''; fi
echo "$RUN_TITLE: ${UNIT}s $start to $end ($reason)$dry"

began=$(date +%s)
previous=''
active=0
for LABEL in $LABELS; do
  if [ "$LABEL" = "$start" ]; then active=1; fi
  if [ "$active" = 1 ]; then
    folder=$(step_folder "$KEY_PREFIX$LABEL")
    if [ "$folder" = "$LABEL" ]; then shown=''; else shown=": $folder"; fi
    if [ "$DRY_RUN" = 1 ]; then echo "# $UNIT $LABEL ($(position "$LABEL")/$COUNT)$shown"; else echo "$UNIT $LABEL ($(position "$LABEL")/$COUNT)$shown"; fi
    step_started=$(date +%s)
    # The folder the cluster should hold before this step: the step before's, or the phase a rollback starts from.
    if [ -n "$previous" ]; then PREVIOUS_FOLDER=$(step_folder "$KEY_PREFIX$previous")
    elif [ "$MODE" = rollback ]; then PREVIOUS_FOLDER=$FROM
    else PREVIOUS_FOLDER=''
    fi
    run_actions "$KEY_PREFIX$LABEL"
    if [ "$DRY_RUN" = 0 ]; then echo "$UNIT $LABEL done ($(elapsed "$step_started"))"; fi
  fi
  if [ "$LABEL" = "$end" ]; then break; fi
  previous=$LABEL
done
if [ "$DRY_RUN" = 0 ]; then echo "$RUN_TITLE: $end reached in $(elapsed "$began")"; fi

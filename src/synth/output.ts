/**
 * Writing dist/ so that a pipeline never sees half of it: everything is written into a temporary
 * sibling folder first, then swapped in by rename.
 *
 * A directory cannot replace another one in a single rename (rename(2) refuses a non-empty target, and
 * Node has no renameat2 exchange), so the swap is two renames: dist -> `<temp>-old`, `<temp>-ready` ->
 * dist. The new tree is renamed to `-ready` only once it is complete, which makes every state a kill
 * can leave recoverable: the next synthesis first completes or undoes an interrupted swap.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, Dirent, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { errorCode } from '../format';
import { InputError } from '../manifest';

/** Suffix of a complete new tree waiting to be swapped in. */
const READY = '-ready';
/** Suffix of the previous tree, moved aside by the swap. */
const RETIRED = '-old';

/** Prefix of the temporary folders beside the output folder (ignored by git). */
function tempPrefix(outDir: string): string {
  return join(dirname(outDir), `.${basename(outDir)}.synth-`);
}

/**
 * The temporary folder disappeared while it was written: another synthesis of the same output folder,
 * starting, removed it as a leftover. This one stops (exit 1) rather than swap in a partial tree.
 */
export class StagingRemovedError extends Error {
  /** Exit code for the command line. */
  public readonly exitCode = 1;
}

/**
 * Replaces `outDir` with exactly `files` (relative paths, each once, with their contents) and returns how many
 * it wrote. Files are written as they come, so a generator can stream them: one that throws part-way (an
 * environment found unsafe) leaves `outDir` as it was. The new tree is complete on disk before the old one
 * is moved away, so a failure while writing leaves `outDir` as it was; a kill at any moment leaves `outDir`
 * old or new, or (between the two renames of the swap) absent with the complete new tree beside it, which
 * the next call (or removeStaleStaging) moves in.
 */
export function writeTreeAtomically(outDir: string, files: Iterable<readonly [string, string]>, options: OutputLockOptions = {}): number {
  const target = resolve(outDir);
  const cannotCreate = (error: unknown) => new InputError(`output folder ${outDir}: cannot create it beside ${dirname(target)}: ${errorCode(error)}`);
  try {
    mkdirSync(dirname(target), { recursive: true });
  } catch (error) {
    throw cannotCreate(error);
  }
  // One synthesis of a folder at a time: a second one removing the first one's temporary folders as leftovers,
  // or swapping between its two renames, would leave a tree mixed from both.
  const release = lockOutput(target, outDir, options);
  try {
    return writeLocked(target, outDir, files, cannotCreate);
  } finally {
    release();
  }
}

function writeLocked(target: string, outDir: string, files: Iterable<readonly [string, string]>, cannotCreate: (error: unknown) => InputError): number {
  // mkdir, not mkdtemp: mkdtemp makes the folder 0700, and dist/ must stay readable as the umask allows.
  const staging = `${tempPrefix(target)}${randomBytes(6).toString('hex')}`;
  try {
    removeStaleStaging(target);
    mkdirSync(staging);
  } catch (error) {
    throw cannotCreate(error);
  }
  // Folders are made one level at a time below `staging`, never `staging` itself again: if another synthesis
  // removes it meanwhile, writing fails instead of recreating it with only the files written after.
  const folders = new Set([staging]);
  const makeFolder = (folder: string): void => {
    if (folders.has(folder)) return;
    if (!folder.startsWith(staging + sep)) throw new Error(`${folder} is outside ${staging}`);
    makeFolder(dirname(folder));
    mkdirSync(folder);
    folders.add(folder);
  };
  let written = 0;
  try {
    for (const [path, content] of files) {
      const file = join(staging, path);
      makeFolder(dirname(file));
      writeFileSync(file, content);
      written++;
    }
  } catch (error) {
    const removed = !existsSync(staging);
    rmSync(staging, { recursive: true, force: true });
    if (removed) throw new StagingRemovedError(`${staging} was removed while synthesis wrote it (another synthesis of ${outDir} started?): ${outDir} is unchanged`);
    throw error;
  }
  const ready = `${staging}${READY}`;
  const retired = `${staging}${RETIRED}`;
  renameSync(staging, ready);
  if (existsSync(target)) renameSync(target, retired);
  renameSync(ready, target);
  rmSync(retired, { recursive: true, force: true });
  return written;
}

/** How long a synthesis waits for another one of the same output folder. */
export interface OutputLockOptions {
  /** Milliseconds to wait for the lock before giving up; default 120000. */
  readonly waitMs?: number;
}

/** Another synthesis of the same output folder held its lock for longer than this one waits (exit 1). */
export class OutputLockedError extends Error {
  /** Exit code for the command line. */
  public readonly exitCode = 1;
}

/** The lock file beside the output folder: it names its holder (`pid host`); its name is not a temporary folder's. */
export function outputLockPath(outDir: string): string {
  const target = resolve(outDir);
  return join(dirname(target), `.${basename(target)}.synth.lock`);
}

/** Sleeps synchronously (synthesis is synchronous from the first file to the swap). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Whether the process named by a lock's text is gone: only a holder on this host can be known dead. */
function holderIsGone(holder: string): boolean {
  const [pid, host] = holder.split(' ');
  if (host !== hostname() || !/^[1-9][0-9]*$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return errorCode(error) === 'ESRCH';
  }
}

/**
 * Takes the output folder's lock (a file created exclusively), waiting while another synthesis holds it.
 * A lock whose holder died (killed on this host) is taken over; the takeover itself is guarded by a second
 * exclusive file, so that two waiters cannot both remove a dead holder's lock and one of them a live one.
 * Returns the function that releases the lock.
 */
function lockOutput(target: string, outDir: string, options: OutputLockOptions): () => void {
  const lock = outputLockPath(target);
  const me = `${process.pid} ${hostname()}`;
  const deadline = Date.now() + (options.waitMs ?? 120_000);
  const readHolder = (path: string): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw new InputError(`output folder ${outDir}: cannot read its lock ${lock}: ${errorCode(error)}`);
    }
  };
  for (let pause = 5; ; pause = Math.min(2 * pause, 200)) {
    let fd: number | undefined;
    try {
      fd = openSync(lock, 'wx');
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw new InputError(`output folder ${outDir}: cannot create its lock ${lock}: ${errorCode(error)}`);
    }
    if (fd !== undefined) {
      try {
        writeSync(fd, me);
      } finally {
        closeSync(fd);
      }
      return () => rmSync(lock, { force: true });
    }
    const holder = readHolder(lock);
    if (holder !== undefined && holderIsGone(holder)) takeOver(lock, holder, readHolder);
    else if (Date.now() > deadline) {
      throw new OutputLockedError(`output folder ${outDir}: another synthesis (process ${holder ?? 'unknown'}) is writing it and held ${lock} ` +
        `for more than ${Math.round((options.waitMs ?? 120_000) / 1000)}s; if no synthesis is running, remove that file`);
    } else sleepSync(pause);
  }
}

/** Removes a dead holder's lock, unless it changed meanwhile; one waiter at a time (a dead takeover is taken over too). */
function takeOver(lock: string, deadHolder: string, readHolder: (path: string) => string | undefined): void {
  const guard = `${lock}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, 'wx');
  } catch {
    // Another waiter is taking over; its guard is removed only when its holder is known dead (empty: being written).
    const guardHolder = readHolder(guard);
    if (guardHolder !== undefined && guardHolder !== '' && holderIsGone(guardHolder)) rmSync(guard, { force: true });
    return;
  }
  try {
    writeSync(fd, `${process.pid} ${hostname()}`);
    closeSync(fd);
    if (readHolder(lock) === deadHolder) unlinkSync(lock);
  } finally {
    rmSync(guard, { force: true });
  }
}

/**
 * Synthesis replaces its output folder whole: refuse one that holds more than an earlier synthesis wrote
 * (`argocd/` and environment folders with plan.json), a file, and the current folder or one above it.
 */
export function checkOutputFolder(outDir: string): void {
  const target = resolve(outDir);
  const cwd = process.cwd();
  if (target === cwd || cwd.startsWith(target.endsWith(sep) ? target : target + sep)) {
    throw new InputError(`output folder "${outDir}": it would replace the current folder or one above it; name a folder of its own, e.g. dist`);
  }
  let entries: Dirent[];
  try {
    entries = readdirSync(target, { withFileTypes: true });
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return;
    throw new InputError(code === 'ENOTDIR' ? `output folder ${outDir}: it, or a folder above it, is a file` : `output folder ${outDir}: cannot read: ${code}`);
  }
  const foreign = entries.find((entry) => !entry.isDirectory() || (entry.name !== 'argocd' && !existsSync(join(target, entry.name, 'plan.json'))));
  if (foreign) {
    throw new InputError(`output folder ${outDir} holds ${foreign.name}, which synthesis did not write, and synthesis replaces the whole folder: move it, or name another folder`);
  }
}

/** Names of the temporary folders a synthesis of `outDir` has beside it (none once it is done). */
export function stagingLeftovers(outDir: string): string[] {
  const target = resolve(outDir);
  const prefix = basename(tempPrefix(target));
  return existsSync(dirname(target)) ? readdirSync(dirname(target)).filter((entry) => entry.startsWith(prefix)).sort() : [];
}

/**
 * Finishes what an interrupted synthesis of `outDir` left: when `outDir` is missing, the complete new
 * tree (`-ready`) is moved in, or else the previous one (`-old`) is moved back; then every temporary
 * folder is removed.
 */
export function removeStaleStaging(outDir: string): void {
  const target = resolve(outDir);
  const parent = dirname(target);
  const leftovers = stagingLeftovers(target);
  if (!existsSync(target)) {
    const restore = leftovers.find((entry) => entry.endsWith(READY)) ?? leftovers.find((entry) => entry.endsWith(RETIRED));
    if (restore !== undefined) renameSync(join(parent, restore), target);
  }
  for (const entry of leftovers) rmSync(join(parent, entry), { recursive: true, force: true });
}

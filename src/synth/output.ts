/**
 * Writing dist/ so that a pipeline never sees half of it: everything is written into a temporary
 * sibling folder first, then swapped in by rename.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Prefix of the temporary folders beside the output folder (ignored by git). */
function tempPrefix(outDir: string): string {
  return join(dirname(outDir), `.${basename(outDir)}.synth-`);
}

/**
 * Replaces `outDir` with exactly `files` (relative path -> content). The new tree is complete on disk
 * before the old one is moved away, so a failure while writing leaves `outDir` as it was.
 */
export function writeTreeAtomically(outDir: string, files: ReadonlyMap<string, string>): void {
  const target = resolve(outDir);
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(tempPrefix(target));
  try {
    for (const [path, content] of files) {
      const file = join(staging, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  const retired = `${staging}-old`;
  if (existsSync(target)) renameSync(target, retired);
  renameSync(staging, target);
  rmSync(retired, { recursive: true, force: true });
}

/** Removes temporary folders left behind by an interrupted synthesis of `outDir`. */
export function removeStaleStaging(outDir: string): void {
  const target = resolve(outDir);
  const prefix = basename(tempPrefix(target));
  if (!existsSync(dirname(target))) return;
  for (const entry of readdirSync(dirname(target))) {
    if (entry.startsWith(prefix)) rmSync(join(dirname(target), entry), { recursive: true, force: true });
  }
}

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main, v8FlagsFor } from '../../src/cli/main';

/** Runs the command line in-process and captures what it prints. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { stdout += chunk.toString(); return true; });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { stderr += chunk.toString(); return true; });
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('phased-rollout', () => {
  test('help lists every command with its arguments', async () => {
    const { code, stdout } = await cli('help');
    expect(code).toBe(0);
    for (const command of ['synth', 'verify', 'analyze', 'plan', 'apply', 'rollback', 'promote', 'simulate']) {
      expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  test('no command: help on stderr (a usage error), exit 2; help asked for: on stdout, exit 0', async () => {
    const { code, stdout, stderr } = await cli();
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain('usage: phased-rollout <command> [options]');
    const asked = await cli('help');
    expect(asked.code).toBe(0);
    expect(asked.stdout).toContain('usage: phased-rollout <command> [options]');
  });

  test('an unknown command exits 2 and names it', async () => {
    const { code, stderr } = await cli('deploy');
    expect(code).toBe(2);
    expect(stderr).toContain('phased-rollout: unknown command "deploy"');
  });

  test('a name every object has (toString) is an unknown command too', async () => {
    const { code, stderr } = await cli('toString');
    expect(code).toBe(2);
    expect(stderr).toContain('phased-rollout: unknown command "toString"');
  });

  test('a usage error exits 2 with the message and the command usage, no stack trace', async () => {
    const { code, stderr } = await cli('verify');
    expect(code).toBe(2);
    expect(stderr).toBe('phased-rollout verify: expected one environment folder, e.g. dist/production\nusage: phased-rollout verify DIR [-o json] | DIST_ENV --live [--context CTX]\n');
  });

  test('an unreadable matrix file exits 1 naming the file, no stack trace', async () => {
    const { code, stderr } = await cli('synth', '--matrix', '/nonexistent/matrix.yaml', '--out', '/tmp/never-written');
    expect(code).toBe(1);
    expect(stderr).toContain('/nonexistent/matrix.yaml: cannot be read (ENOENT)');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('V8 flags per command', () => {
  test('the one-pass checks run without inlining; longer commands and unknown names keep V8 defaults', () => {
    for (const command of ['verify', 'plan', 'analyze']) expect(v8FlagsFor(command)).toBe('--no-turbo-inlining');
    for (const command of ['synth', 'simulate', 'apply', 'rollback', 'promote', 'help', 'toString', undefined]) {
      expect(v8FlagsFor(command)).toBeUndefined();
    }
  });
});

describe('the phased-rollout executable', () => {
  test('sets only V8 flags this Node knows: verify, plan and analyze print nothing on stderr', () => {
    const bin = resolve(__dirname, '../../bin/phased-rollout');
    const env = resolve(__dirname, '../../dist/staging');
    for (const args of [['verify', env], ['plan', env], ['analyze', resolve(env, '00-baseline')]]) {
      const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
      expect({ args, status: run.status, stderr: run.stderr }).toEqual({ args, status: 0, stderr: '' });
    }
  });

  test('a reader that closes the pipe early ends it quietly, without a stack trace', () => {
    // `true` exits without reading: every write of `plan` after that fails with EPIPE.
    const stderr = join(mkdtempSync(join(tmpdir(), 'epipe-')), 'stderr');
    const bin = resolve(__dirname, '../../bin/phased-rollout');
    const dist = resolve(__dirname, '../../dist/staging');
    execFileSync('sh', ['-c', `"${bin}" plan "${dist}" 2>"${stderr}" | true`]);
    expect(readFileSync(stderr, 'utf8')).toBe('');
  });

  test('the exit code survives a closed pipe (findings still exit 1); a full disk is reported without a stack trace', () => {
    const bin = resolve(__dirname, '../../bin/phased-rollout');
    // production without its prepare phase: the new version is created and routed at once (findings, exit 1).
    const unsafe = join(mkdtempSync(join(tmpdir(), 'epipe-')), 'production');
    cpSync(resolve(__dirname, '../../dist/production'), unsafe, { recursive: true });
    rmSync(join(unsafe, '01-prepare'), { recursive: true });
    rmSync(join(unsafe, 'plan.json'));
    // `true` reads nothing: the command's status, written outside the pipe, is what pipefail would see.
    const piped = (command: string) => execFileSync('sh', ['-c', `{ { "${bin}" ${command} "${unsafe}" 2>/dev/null; echo $? >&3; } | true; } 3>&1`], { encoding: 'utf8' }).trim();
    expect([piped('verify'), piped('plan')]).toEqual(['1', '1']);
    const full = spawnSync('sh', ['-c', `"${bin}" plan "${resolve(__dirname, '../../dist/staging')}" > /dev/full`], { encoding: 'utf8' });
    expect({ status: full.status, stderr: full.stderr }).toEqual({ status: 1, stderr: 'phased-rollout: cannot write output: ENOSPC\n' });
  });
});

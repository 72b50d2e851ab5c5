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

  test('no command: help on stdout, exit 2', async () => {
    const { code, stdout } = await cli();
    expect(code).toBe(2);
    expect(stdout).toContain('usage: phased-rollout <command> [options]');
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
    expect(stderr).toBe('phased-rollout verify: expected one environment folder, e.g. dist/production\nusage: phased-rollout verify DIR [-o json]\n');
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
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const { resolve } = require('node:path') as typeof import('node:path');
    const bin = resolve(__dirname, '../../bin/phased-rollout');
    const env = resolve(__dirname, '../../dist/staging');
    for (const args of [['verify', env], ['plan', env], ['analyze', resolve(env, '00-baseline')]]) {
      const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
      expect({ args, status: run.status, stderr: run.stderr }).toEqual({ args, status: 0, stderr: '' });
    }
  });

  test('a reader that closes the pipe early ends it quietly, without a stack trace', () => {
    // `true` exits without reading: every write of `plan` after that fails with EPIPE.
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
    const { mkdtempSync, readFileSync } = require('node:fs') as typeof import('node:fs');
    const { join, resolve } = require('node:path') as typeof import('node:path');
    const stderr = join(mkdtempSync(join(require('node:os').tmpdir(), 'epipe-')), 'stderr');
    const bin = resolve(__dirname, '../../bin/phased-rollout');
    const dist = resolve(__dirname, '../../dist/staging');
    execFileSync('sh', ['-c', `"${bin}" plan "${dist}" 2>"${stderr}" | true`]);
    expect(readFileSync(stderr, 'utf8')).toBe('');
  });
});

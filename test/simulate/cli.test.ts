/** `phased-rollout simulate`: Fortio-style output, JSON with the same numbers, exit codes 0, 1 and 2. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { writeEnvironment } from '../verify/fixtures';
import { inPlaceUpdate } from './variants';

const PRODUCTION = `${__dirname}/../../dist/production`;

async function capture(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  try {
    const code = await main(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

test('the example production plan: every request 200, per phase and in total, exit 0', async () => {
  const { code, stdout } = await capture(['simulate', PRODUCTION]);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^# 02-switch \(/m);
  expect(stdout).toMatch(/^# total\nCode 200 : \d+ \(100\.0 %\)\nAll done \d+ calls, 0 failed$/m);
});

test('-o json gives the same numbers as the text', async () => {
  const args = ['simulate', PRODUCTION, '--qps', '100', '--runs', '3', '--schedule', 'adversarial'];
  const text = await capture(args);
  const json = await capture([...args, '-o', 'json']);
  const report = JSON.parse(json.stdout);
  expect(report).toMatchObject({ environment: 'production', runs: 3, qps: 100, failed: 0, runsWithFailures: 0 });
  expect(text.stdout).toContain(`Code 200 : ${report.total.requests} (100.0 %)`);
  expect(report.phases.map((p: any) => p.phase)).toEqual(['00-baseline', '01-prepare', '02-switch', '03-cleanup']);
});

test('an in-place rolling update: 503 with its response flag, exit 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
  try {
    writeEnvironment(dir, 'inplace', 'production', inPlaceUpdate(), false);
    const { code, stdout } = await capture(['simulate', dir, '--duration', '20s', '--seed', '3']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^Code 503 : \d+ \(\d+\.\d %\) UC$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.each([
  [['simulate'], /expected one environment folder/],
  [['simulate', PRODUCTION, '--schedule', 'worst'], /--schedule must be random or adversarial/],
  [['simulate', PRODUCTION, '--qps', '0'], /--qps must be a positive number/],
  [['simulate', PRODUCTION, '--duration', 'soon'], /--duration must look like/],
  [['simulate', PRODUCTION, '-o', 'yaml'], /-o must be text or json, not "yaml"/],
  [['simulate', `${PRODUCTION}/missing`], /no such directory/],
])('unusable input %j: exit 2', async (argv, message) => {
  const { code, stderr } = await capture(argv);
  expect(code).toBe(2);
  expect(stderr).toMatch(message);
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../../src/manifest';
import { formatPlanFile } from '../../src/plan/plan-file';
import { readPlanFile } from '../../src/plan/plan-reader';

const example = JSON.parse(readFileSync(resolve(__dirname, '../../dist/staging/plan.json'), 'utf8'));

function problemWith(mutate: (plan: any) => void): string {
  const plan = JSON.parse(JSON.stringify(example));
  mutate(plan);
  const file = join(mkdtempSync(join(tmpdir(), 'plan-')), 'plan.json');
  writeFileSync(file, JSON.stringify(plan));
  try {
    readPlanFile(file);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    // The message starts with the file and the line and column of the field (JSON on one line: line 1).
    return (error as Error).message.slice(file.length).replace(/^:1:\d+: /, '');
  }
  throw new Error('expected the plan to be refused');
}

describe('reading plan.json', () => {
  test('the example plans are read as they are', () => {
    expect(readPlanFile(resolve(__dirname, '../../dist/staging/plan.json'))).toEqual(example);
  });

  test('plan.json is the plan as JSON, one line per object reference', () => {
    const text = formatPlanFile(example);
    expect(JSON.parse(text)).toEqual(example);
    expect(text.endsWith('}\n')).toBe(true);
    const ref = example.phases[1].gates.rollout!.deployments[0];
    expect(text).toContain(`\n            ${JSON.stringify(ref)}`);
    expect(text.split('\n').length).toBeLessThan(JSON.stringify(example, null, 2).split('\n').length / 2);
  });

  test.each<[string, (plan: any) => void, string]>([
    ['another format version', (p) => { p.formatVersion = 3; }, 'not a plan file: formatVersion: 3 is not supported (expected 2)'],
    ['format 1 (phases listed their objects)', (p) => { p.formatVersion = 1; },
      'not a plan file: formatVersion: 1 is not supported (expected 2): an earlier phased-rollout wrote it; synthesize again to rewrite the environment folder'],
    ['no phases', (p) => { p.phases = []; }, 'not a plan file: phases: expected a non-empty list'],
    ['a null phase', (p) => { p.phases[1] = null; }, 'not a plan file: phases[1]: expected an object, got null'],
    ['indexes out of order', (p) => { p.phases[2].index = 7; }, 'not a plan file: phases[2].index: expected 2'],
    ['a bad folder name', (p) => { p.phases[0].path = '../etc'; }, 'not a plan file: phases[0].path: "../etc" is not a phase folder name like 01-prepare'],
    ['a reference without name', (p) => { delete p.phases[1].gates.rollout.deployments[0].name; }, 'not a plan file: phases[1].gates.rollout.deployments[0].name: expected a non-empty string'],
    ['an unknown gate', (p) => { p.phases[1].gates.pray = {}; }, 'not a plan file: phases[1].gates.pray: unknown field (valid fields: rollout, capacity, propagation, observe, drain)'],
    ['negative seconds', (p) => { p.phases[4].gates.drain.seconds = -1; }, 'not a plan file: phases[4].gates.drain.seconds: expected a number of seconds'],
    ['rollbacks not an object', (p) => { p.rollbacks = []; }, 'not a plan file: rollbacks: expected an object keyed by phase path'],
    ['a rollback from no phase', (p) => { p.rollbacks['07-nowhere'] = p.rollbacks['04-switch']; },
      'not a plan file: rollbacks.07-nowhere: not a phase of this plan (phases: 00-baseline, 01-prepare, 02-canary-10, 03-canary-50, 04-switch, 05-cleanup)'],
    ['a rollback without steps', (p) => { p.rollbacks['04-switch'] = []; }, 'not a plan file: rollbacks.04-switch: expected a non-empty list of steps'],
    ['a step applying no forward phase', (p) => { p.rollbacks['04-switch'][1].path = '../rollback/x'; },
      'not a plan file: rollbacks.04-switch[1].path: expected the path of a phase of this plan (phases: 00-baseline, 01-prepare, 02-canary-10, 03-canary-50, 04-switch, 05-cleanup)'],
    ['a step name twice', (p) => { p.rollbacks['04-switch'][2].name = 'reapply'; }, 'not a plan file: rollbacks.04-switch[2].name: reapply is not unique in rollbacks.04-switch'],
    ['a step with an unknown gate', (p) => { p.rollbacks['05-cleanup'][0].gates.pray = {}; }, 'not a plan file: rollbacks.05-cleanup[0].gates.pray: unknown field (valid fields: rollout, capacity, propagation, observe, drain)'],
    ['a step removal without name', (p) => { delete p.rollbacks['05-cleanup'][3].removes[0].name; }, 'not a plan file: rollbacks.05-cleanup[3].removes[0].name: expected a non-empty string'],
  ])('%s is refused, naming the field', (_name, mutate, expected) => {
    expect(problemWith(mutate)).toBe(expected);
  });

  test('a field close to a valid one is named', () => {
    expect(problemWith((p) => { p.phases[1].gates.drian = { seconds: 5 }; }))
      .toBe('not a plan file: phases[1].gates.drian: unknown field (did you mean drain?) (valid fields: rollout, capacity, propagation, observe, drain)');
  });

  test('the message gives the line and column of the field', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'plan-')), 'plan.json');
    const plan = JSON.parse(JSON.stringify(example));
    plan.phases[4].gates.drain.seconds = -1;
    const text = formatPlanFile(plan);
    writeFileSync(file, text);
    const lines = text.split('\n');
    const phase = lines.findIndex((line) => line.includes('"04-switch"'));
    const line = lines.findIndex((text, i) => i > phase && text.includes('"drain"'));
    // The key of the field: `"seconds"` in the line `"drain": {"seconds": -1}`.
    expect(() => readPlanFile(file)).toThrow(`${file}:${line + 1}:${lines[line].indexOf('"seconds"') + 1}: not a plan file: phases[4].gates.drain.seconds: expected a number of seconds`);
  });

  test('a plan.json without rollbacks (written by hand) is still read', () => {
    expect(() => problemWith((p) => { delete p.rollbacks; })).toThrow('expected the plan to be refused');
  });

  test('invalid JSON', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'plan-')), 'plan.json');
    writeFileSync(file, '{"phases": [');
    expect(() => readPlanFile(file)).toThrow(`${file}: not valid JSON`);
  });
});

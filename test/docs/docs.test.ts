/** The documentation: generated pages are what the code renders, links resolve, the README stays a front door. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { GENERATED_PAGES, renderRulesPage, ROOT } from '../../scripts/docs';
import { RULES } from '../../src/verify';

/** The pages whose links are checked: the README and docs/*.md (docs/_incoming/ holds drafts, not pages). */
function pages(): string[] {
  const docs = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`);
  return ['README.md', ...docs.sort()];
}

/** Markdown without its fenced code blocks and inline code, where `](` is not a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '``');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** Every anchor a page defines: its headings (repeated ones numbered as GitHub does) and explicit `<a id>`s. */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  const withoutCode = markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const [, id] of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(id);
  return found;
}

/** The problems of every relative link of a page: a missing file, or an anchor the target does not define. */
function brokenLinks(page: string, text: string): string[] {
  const problems: string[] = [];
  for (const [, target] of prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: and the like are not files of the repository
    const [path, anchor] = target.split('#', 2);
    let defined: Set<string> | undefined;
    if (path === '') {
      defined = anchors(text);
    } else {
      const file = relative(ROOT, resolve(ROOT, dirname(page), decodeURIComponent(path)));
      if (!existsSync(join(ROOT, file))) {
        problems.push(`${page}: link ${target}: ${file} does not exist`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!file.endsWith('.md') || statSync(join(ROOT, file)).isDirectory()) {
        problems.push(`${page}: link ${target}: an anchor into ${file}, which is not a Markdown page`);
        continue;
      }
      defined = anchors(readFileSync(join(ROOT, file), 'utf8'));
    }
    if (anchor !== undefined && !defined.has(anchor)) problems.push(`${page}: link ${target}: no heading or anchor #${anchor} there`);
  }
  return problems;
}

describe('generated pages', () => {
  test.each(GENERATED_PAGES.map((page) => [page.path, page]))('%s is what `npm run generate` renders', (path, page) => {
    const committed = readFileSync(join(ROOT, path), 'utf8');
    // A stale page fails here: run `npm run generate` and commit the result.
    expect(committed).toBe(page.render());
  });

  test('the rules page lists every rule of the registry, in its order, with its description', () => {
    const page = renderRulesPage();
    const headings = [...page.matchAll(/^## `([^`]+)`$/gm)].map(([, id]) => id);
    expect(headings).toEqual(RULES.map((rule) => rule.id));
    for (const rule of RULES) expect(page).toContain(rule.description);
  });

  test('the rules page refuses a rule that is not declared under src/verify/rules', () => {
    const stray = { ...RULES[0], id: 'state/not-declared' };
    expect(() => renderRulesPage([stray])).toThrow('rule state/not-declared of the registry is not declared in src/verify/rules');
  });
});

describe('links', () => {
  test.each(pages())('every relative link of %s resolves', (page) => {
    expect(brokenLinks(page, readFileSync(join(ROOT, page), 'utf8'))).toEqual([]);
  });

  test('the index of docs/ links every page of docs/', () => {
    const index = readFileSync(join(ROOT, 'docs', 'README.md'), 'utf8');
    const linked = new Set([...prose(index).matchAll(/\]\(([^)#\s]+)/g)].map(([, path]) => `docs/${path}`));
    expect(pages().filter((page) => page.startsWith('docs/') && page !== 'docs/README.md' && !linked.has(page))).toEqual([]);
  });

  test('a missing file and a missing anchor are reported', () => {
    const text = '# Here\n[a](nowhere.md) [b](rules.md#no-such-rule) [c](#elsewhere) [d](#here) [e](rules.md) [f](https://istio.io/x.md)\n'
      + '`[g](x.md)`\n```\n[h](y.md)\n```\n';
    expect(brokenLinks('docs/example.md', text)).toEqual([
      'docs/example.md: link nowhere.md: docs/nowhere.md does not exist',
      'docs/example.md: link rules.md#no-such-rule: no heading or anchor #no-such-rule there',
      'docs/example.md: link #elsewhere: no heading or anchor #elsewhere there',
    ]);
  });

  test('anchors follow GitHub: punctuation dropped, repeated headings numbered', () => {
    expect(slug('Proving a plan safe: `phased-rollout verify`')).toBe('proving-a-plan-safe-phased-rollout-verify');
    expect([...anchors('# A\n## plan.json\n## plan.json\n```\n# not a heading\n```\n')]).toEqual(['a', 'planjson', 'planjson-1']);
  });
});

describe('README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  test('is a front door: under 12 KB', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(12 * 1024);
  });

  test('keeps the two commands', () => {
    expect(readme).toContain('npm ci && npm run synth');
    expect(readme).toContain('npm ci && npm test');
  });
});

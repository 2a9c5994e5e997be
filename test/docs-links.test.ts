// Every relative link in README.md and docs/**/*.md points at a file of the repository, and a link
// with a #fragment into a Markdown file at one of its headings (issue 14: the README became a front
// door whose reference moved to docs/, and a page that moves must not leave dead links behind).
import assert from 'node:assert/strict';
import { existsSync, globSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface MarkdownLink {
  line: number;
  target: string;
}

/** Markdown without fenced code blocks and inline code spans, line numbers kept (links in code are text). */
function prose(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const marker = /^\s*(```+|~~~+)/.exec(line)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return '';
    }
    return fence === undefined ? line.replace(/`+[^`]*`+/g, '') : '';
  });
}

/** Inline links and images `[text](target "title")`, and reference definitions `[id]: target`. */
export function linksOf(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  prose(markdown).forEach((text, i) => {
    for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ line: i + 1, target: m[1] as string });
    }
    const ref = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(text);
    if (ref) links.push({ line: i + 1, target: ref[1] as string });
  });
  return links;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const heading = fence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = (heading[1] as string).replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** What is wrong with one relative link of `file` (a path from the repository root), or undefined. */
export function problemOf(file: string, target: string, read: (path: string) => string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: ... are not files here
  const hash = target.indexOf('#');
  const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
  const fragment = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const resolved = path === '' ? file : join(dirname(file), path);
  if (resolved.startsWith('..')) return `${target} leaves the repository`;
  if (!existsSync(join(root, resolved))) return `${target}: no file ${resolved}`;
  if (fragment === undefined || fragment === '') return undefined;
  if (!resolved.endsWith('.md') || statSync(join(root, resolved)).isDirectory()) return undefined;
  return anchorsOf(read(resolved)).has(fragment) ? undefined : `${target}: no heading #${fragment} in ${resolved}`;
}

const readRepo = (path: string) => readFileSync(join(root, path), 'utf8');
const pages = ['README.md', ...globSync('docs/**/*.md', { cwd: root }).sort()];

describe('the links of README.md and docs/', () => {
  it('finds the pages and their links', () => {
    assert.ok(pages.includes('docs/design.md'), `docs/design.md among ${pages.join(', ')}`);
    const readme = linksOf(readRepo('README.md')).map((l) => l.target);
    assert.ok(readme.includes('docs/design.md'), 'the README links the design document');
    assert.ok(readme.length >= 10, `README has ${readme.length} links`);
  });

  for (const page of pages) {
    it(`${page}: every relative link resolves`, () => {
      const problems = linksOf(readRepo(page))
        .map((l) => ({ ...l, problem: problemOf(page, l.target, readRepo) }))
        .filter((l) => l.problem !== undefined)
        .map((l) => `${page}:${l.line}: ${l.problem}`);
      assert.deepEqual(problems, []);
    });
  }
});

describe('the link checker itself', () => {
  const page = 'docs/a-page.md';
  const read = (path: string) =>
    path === 'docs/design.md'
      ? '# Title\n## Demos without waiting\n## `npm start`, then 3. Steps\n## Demos without waiting\n'
      : '';

  it('takes links from prose only, not from code', () => {
    const md = 'See [a](x.md) and ![b](img/b.png "t").\n`[c](no.md)`\n```\n[d](no.md)\n```\n[id]: ref.md\n';
    assert.deepEqual(linksOf(md), [
      { line: 1, target: 'x.md' },
      { line: 1, target: 'img/b.png' },
      { line: 6, target: 'ref.md' },
    ]);
  });

  it('computes GitHub heading anchors', () => {
    assert.deepEqual(
      [...anchorsOf(read('docs/design.md'))],
      ['title', 'demos-without-waiting', 'npm-start-then-3-steps', 'demos-without-waiting-1'],
    );
  });

  it('reports missing files, missing headings and links out of the repository', () => {
    assert.equal(problemOf(page, 'design.md#demos-without-waiting', read), undefined);
    assert.equal(problemOf(page, '../README.md', read), undefined);
    assert.equal(problemOf(page, 'https://example.com/x.md', read), undefined);
    assert.equal(problemOf(page, 'no-such-page.md', read), 'no-such-page.md: no file docs/no-such-page.md');
    assert.equal(
      problemOf(page, 'design.md#nowhere', read),
      'design.md#nowhere: no heading #nowhere in docs/design.md',
    );
    assert.equal(problemOf(page, '../../etc/passwd', read), '../../etc/passwd leaves the repository');
  });
});

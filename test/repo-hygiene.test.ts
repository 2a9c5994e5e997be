// What keeps the tree tidy (issue 13): no build output or byte code is committed, no two source files
// of different roles share a base name, and no comment in a source file cites a repository file that
// is not there (a comment that says where a rule lives must
// stay true when files move). Comments are read with a small lexer (strings, templates and regular
// expressions are not comments), and a cited path counts when it names a tracked file from the
// repository root, from the citing file's package, or (./, ../ and bare names) from its folder.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);

/** Paths that only a build, a test run or an interpreter writes (see .gitignore). */
const BUILD_OUTPUT =
  /(^|\/)(__pycache__|node_modules|dist|coverage|\.tmp|test-artifacts|\.node-compile-cache)\/|\.py[co]$|\.tsbuildinfo$/;

/** The design document is the project's own copy now; the old name pointed outside the repository. */
const DESIGN = { old: 'DESIGN.md', now: 'docs/design.md' };
/**
 * Files allowed to cite the old name: none since issue 13's merge moved every citation to
 * docs/design.md. The test fails when a listed file no longer cites it, so this list only shrinks.
 */
const PENDING_DESIGN = new Set<string>([
  // BEGIN pending design citations
  // END pending design citations
]);

// Base names every package may have, each with the same role: its command definition, its entry
// point, its exports. Any other base name is unique across services/NAME/src, packages/NAME/src and
// broker/src.
const SAME_ROLE = new Set(['command.ts', 'index.ts', 'main.ts']);
const PACKAGE_SOURCE = /^(services\/[^/]+|packages\/[^/]+|broker)\/src\/.+\.ts$/;

const SOURCE = /\.(ts|tsx|js|mjs|cjs|sh|py|ya?ml)$|(^|\/)Dockerfile[^/]*$/;
const EXT = 'ts|tsx|js|mjs|cjs|json|jsonl|ya?ml|md|sh|py|env|go|mod|txt|toml|css|html';
const CITED = new RegExp(String.raw`(?<![\w./@:$~*-])((?:\.\.?/)*[\w.-]+(?:/[\w.-]+)*\.(?:${EXT}))(?![\w/*{<$-])`, 'g');

/** The comments of a JavaScript/TypeScript source, with their line numbers. */
function jsComments(src: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const lineAt = (i: number) => src.slice(0, i).split('\n').length;
  let i = 0;
  let last = ''; // the last significant character of code: tells a regular expression from a division
  const skipQuoted = (q: string) => {
    for (i++; i < src.length && src[i] !== q && src[i] !== '\n'; i++) if (src[i] === '\\') i++;
    i++;
  };
  const skipTemplate = () => {
    i++;
    while (i < src.length && src[i] !== '`') {
      if (src[i] === '\\') i += 2;
      else if (src[i] === '$' && src[i + 1] === '{') {
        i += 2;
        code('}');
      } else i++;
    }
    i++;
  };
  const code = (end?: string) => {
    let depth = 0;
    while (i < src.length) {
      const c = src[i] as string;
      const next = src[i + 1];
      if (c === '/' && next === '/') {
        const stop = src.indexOf('\n', i);
        const e = stop < 0 ? src.length : stop;
        out.push({ line: lineAt(i), text: src.slice(i + 2, e) });
        i = e;
      } else if (c === '/' && next === '*') {
        const stop = src.indexOf('*/', i + 2);
        const e = stop < 0 ? src.length : stop;
        out.push({ line: lineAt(i), text: src.slice(i + 2, e) });
        i = e + 2;
      } else if (c === "'" || c === '"') {
        skipQuoted(c);
        last = 'a';
      } else if (c === '`') {
        skipTemplate();
        last = 'a';
      } else if (
        c === '/' &&
        (last === '' ||
          '(,=:[!&|?{};+-*%<>~^'.includes(last) ||
          /\b(return|typeof|case|in|of)$/.test(src.slice(Math.max(0, i - 7), i).trimEnd()))
      ) {
        // a regular expression literal: up to the closing slash outside a character class
        let inClass = false;
        for (i++; i < src.length && src[i] !== '\n'; i++) {
          if (src[i] === '\\') i++;
          else if (src[i] === '[') inClass = true;
          else if (src[i] === ']') inClass = false;
          else if (src[i] === '/' && !inClass) break;
        }
        i++;
        last = 'a';
      } else {
        if (end && c === '{') depth++;
        if (end && c === end && depth-- === 0) {
          i++;
          return;
        }
        if (!/\s/.test(c)) last = c;
        i++;
      }
    }
  };
  code();
  return out;
}

/** `#` comments (shell, YAML, Python, Dockerfile): a `#` at the start of a line or after a blank. */
function hashComments(src: string): { line: number; text: string }[] {
  return src.split('\n').flatMap((l, n) => {
    const m = /(^|\s)#(?!!)(.*)$/.exec(l);
    return m ? [{ line: n + 1, text: m[2] as string }] : [];
  });
}

interface Tree {
  /** Tracked files and those git would add (not ignored). */
  files: Set<string>;
  dirs: Set<string>;
}

function treeOf(files: string[]): Tree {
  const dirs = files.flatMap((f) =>
    f
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
  );
  return { files: new Set(files), dirs: new Set(dirs) };
}

interface Citation {
  line: number;
  path: string;
  /** The old name of the design document (cite DESIGN.now). */
  design: boolean;
}

/** The citations in a source file's comments of repository files that are not there. */
function missingCitations(tree: Tree, file: string, src: string): Citation[] {
  const exists = (p: string) => tree.files.has(p) || tree.dirs.has(p);
  let pkg = '.';
  for (let d = dirname(file); d !== '.'; d = dirname(d))
    if (tree.files.has(`${d}/package.json`)) {
      pkg = d;
      break;
    }
  const here = dirname(file);
  const comments = /\.(ts|tsx|js|mjs|cjs)$/.test(file) ? jsComments(src) : hashComments(src);
  const missing: Citation[] = [];
  for (const { line, text } of comments) {
    for (const [, path] of text.matchAll(CITED) as IterableIterator<[string, string]>) {
      if (basename(path) === DESIGN.old) {
        missing.push({ line, path, design: true });
        continue;
      }
      const bare = !path.includes('/');
      // A bare name is a module or a library (MQTT.js, a sibling's name), but for a document's.
      if (bare && !/^[A-Z][\w-]*\.md$/.test(path)) continue;
      const first = path.split('/')[0] as string;
      const relative = first === '.' || first === '..';
      // A path that starts in none of this repository's folders is another project's (client-go's).
      if (!bare && !relative && ![first, join(pkg, first), join(here, first)].some((d) => tree.dirs.has(d))) continue;
      const candidates = relative ? [join(here, path)] : [path, join(pkg, path), join(here, path)];
      if (!candidates.some(exists)) missing.push({ line, path, design: false });
    }
  }
  return missing;
}

const describeCitation = (file: string, c: Citation) =>
  c.design
    ? `${file}:${c.line} cites ${c.path}: cite ${DESIGN.now} (the project's copy)`
    : `${file}:${c.line} cites ${c.path}, which is not in the repository`;

describe('repository hygiene', () => {
  const tracked = git('ls-files');
  const tree = treeOf(git('ls-files', '--cached', '--others', '--exclude-standard'));

  it('commits no build output, byte code or installed packages', () => {
    assert.deepEqual(
      tracked.filter((f) => BUILD_OUTPUT.test(f)),
      [],
    );
    assert.ok(BUILD_OUTPUT.test('examples/python/__pycache__/subscriber.cpython-311.pyc'));
    assert.ok(!BUILD_OUTPUT.test('services/sim/build/build.sh'), 'a folder named build holds sources');
  });

  it('reads only comments, and paths from the root, the package or the folder', () => {
    const t = treeOf(['services/a/package.json', 'services/a/src/x.ts', 'services/a/test/f.json', 'docs/design.md']);
    const src = [
      '// services/a/src/x.ts, test/f.json, ./x.ts and ../test/f.json are there; services/a/src/gone.ts is not',
      "const s = '// services/a/src/in-a-string.ts';",
      'const r = /\\/\\/ services\\/a\\/src\\/in-a-regex.ts/;',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal is the input under test
      'const t = `${1 / 2} // services/a/src/in-a-template.ts`; /* docs/missing.md */',
      "// client-go's tools/leaderelection/leaderelection.go, MQTT.js, README.md, ../shared/DESIGN.md",
    ].join('\n');
    assert.deepEqual(missingCitations(t, 'services/a/src/y.ts', src), [
      { line: 1, path: 'services/a/src/gone.ts', design: false },
      { line: 4, path: 'docs/missing.md', design: false },
      { line: 5, path: 'README.md', design: false },
      { line: 5, path: '../shared/DESIGN.md', design: true },
    ]);
  });

  it('cites in source comments only files that are in the repository', () => {
    const problems: string[] = [];
    const stillPending = new Set<string>();
    for (const file of tracked.filter((f) => SOURCE.test(f) && tree.files.has(f))) {
      for (const c of missingCitations(tree, file, readFileSync(join(ROOT, file), 'utf8'))) {
        if (c.design && PENDING_DESIGN.has(file)) stillPending.add(file);
        else problems.push(describeCitation(file, c));
      }
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(
      [...PENDING_DESIGN].filter((f) => !stillPending.has(f)),
      [],
      'these no longer cite the old name: remove them from PENDING_DESIGN',
    );
  });

  it('gives source files of different roles different base names (issue 13: names say what things are)', () => {
    const byName = new Map<string, string[]>();
    for (const f of tracked.filter((f) => PACKAGE_SOURCE.test(f) && !SAME_ROLE.has(basename(f))))
      byName.set(basename(f), [...(byName.get(basename(f)) ?? []), f]);
    assert.deepEqual(
      [...byName.values()].filter((files) => files.length > 1),
      [],
    );
    assert.ok(PACKAGE_SOURCE.test('broker/src/hooks.ts') && !PACKAGE_SOURCE.test('services/led/test/support.ts'));
  });
});

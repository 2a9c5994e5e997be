// Kubernetes label selectors (the syntax of `kubectl get pods -l ...`), parsed once and matched per
// pod: equality (`app=web`, `app==web`, `app!=web`), set-based (`tier in (a,b)`, `tier notin (a)`)
// and existence (`app`, `!app`), requirements separated by commas and all of them must hold.
// Grammar as in k8s.io/apimachinery/pkg/labels/selector.go.

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export class SelectorError extends Error {
  override name = 'SelectorError';
}

const KEY = /^([a-z0-9A-Z.-]+\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;
const VALUE = /^([a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?)?$/;

function key(k: string, whole: string): string {
  if (!KEY.test(k))
    throw new SelectorError(`invalid label key ${JSON.stringify(k)} in selector ${JSON.stringify(whole)}`);
  return k;
}

function value(v: string, whole: string): string {
  if (!VALUE.test(v) || v.length > 63) {
    throw new SelectorError(`invalid label value ${JSON.stringify(v)} in selector ${JSON.stringify(whole)}`);
  }
  return v;
}

/** Splits at commas that are not inside parentheses. */
function split(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

export function parseSelector(selector: string): Requirement[] {
  const out: Requirement[] = [];
  for (const part of split(selector)) {
    const set = part.match(/^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/);
    if (set) {
      const values = (set[3] ?? '').split(',').map((v) => value(v.trim(), selector));
      out.push({ key: key(set[1] ?? '', selector), op: set[2] as 'in' | 'notin', values });
      continue;
    }
    const eq = part.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/);
    if (eq) {
      const op = eq[2] === '!=' ? 'notin' : 'in';
      out.push({ key: key(eq[1] ?? '', selector), op, values: [value(eq[3] ?? '', selector)] });
      continue;
    }
    if (part.startsWith('!')) {
      out.push({ key: key(part.slice(1).trim(), selector), op: 'notexists' });
      continue;
    }
    out.push({ key: key(part, selector), op: 'exists' });
  }
  return out;
}

export function matchesSelector(requirements: readonly Requirement[], labels: Record<string, string>): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key] as string);
      default:
        // notin. Kubernetes: `key!=v` and `key notin (v)` also match objects without the label.
        return !has || !r.values.includes(labels[r.key] as string);
    }
  });
}

// One page of a list (`{"kind":"PodList","metadata":{...},"items":[{...},...]}`), parsed one item at a
// time. JSON.parse of a whole page of 500 pods builds several MB of objects that all stay reachable
// until the last item is derived; with the watcher's small young generation (see heap.ts) V8 then
// promotes most of them to the old generation, where they are garbage the next moment: that was most of
// the RSS peak of a first sync. Parsed item by item, each object dies young and costs nothing to
// collect. A page that is not shaped as expected is parsed whole, which also reports a malformed one.

export interface ListPage<M> {
  /** Everything but the items (kind, apiVersion, metadata with continue and resourceVersion). */
  head: M;
  /** How many items the page holds. */
  count: number;
  /** Parses and yields the items in order. */
  items(): Generator<unknown>;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const SPACE = 0x20;

export function parseListPage<M>(body: string): ListPage<M> {
  const split = splitItems(body);
  if (!split) {
    const whole = JSON.parse(body) as M & { items?: unknown[] };
    const items = Array.isArray(whole.items) ? whole.items : [];
    return {
      head: whole,
      count: items.length,
      *items() {
        yield* items;
      },
    };
  }
  const { open, close, bounds } = split;
  // The page without its items: `..."items":[]...`.
  const head = JSON.parse(body.slice(0, open + 1) + body.slice(close)) as M;
  return {
    head,
    count: bounds.length / 2,
    *items() {
      for (let i = 0; i < bounds.length; i += 2) yield JSON.parse(body.slice(bounds[i], bounds[i + 1]));
    },
  };
}

/**
 * Finds the top-level "items" array and the [start, end) offsets of each object in it, in one pass
 * over the characters (strings and their escapes skipped). Undefined when the body is not a JSON
 * object with such an array of objects.
 */
function splitItems(body: string): { open: number; close: number; bounds: number[] } | undefined {
  let depth = 0;
  let open = -1;
  let itemStart = -1;
  const bounds: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === QUOTE) {
      if (depth === 2 && open >= 0 && itemStart < 0) return undefined; // an item that is a string
      // Skip the string: to the next quote not escaped.
      for (i++; i < body.length; i++) {
        const d = body.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth === 2 && c === OPEN_ARRAY && open < 0 && /"items"\s*:\s*$/.test(body.slice(Math.max(0, i - 20), i))) {
        open = i;
      } else if (depth === 3 && open >= 0 && itemStart < 0) {
        if (c !== OPEN_OBJECT) return undefined;
        itemStart = i;
      }
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth === 2 && itemStart >= 0) {
        bounds.push(itemStart, i + 1);
        itemStart = -1;
      } else if (depth === 1 && open >= 0) {
        // The items array closed: the rest of the page is small and parsed with the head.
        return bounds.length > 0 ? { open, close: i, bounds } : undefined;
      }
    } else if (depth === 2 && open >= 0 && itemStart < 0 && c !== COMMA && c > SPACE) {
      return undefined; // an item that is not an object
    }
  }
  return undefined;
}

export { type EngineOptions, LedEngine } from './engine.ts';
export { FlashChannel } from './flash.ts';
export {
  BUILTIN_LAYOUTS,
  checkLayout,
  flattenLayout,
  isBuiltinLayout,
  LayoutError,
  type LedInfo,
  type LedLayout,
  type LedPin,
  type LedRole,
} from './layout.ts';
export { endOf, levelAt, nextEdge, PATTERNS, type Pattern, type PatternName, TIMING } from './patterns.ts';
export { type PodKind, podKind } from './pod-kind.ts';
export { DEFAULT_EXCLUDED_NAMESPACES, type PodFilter, podMatcher } from './pods.ts';
export { basePatternName } from './render.ts';
export { matchesSelector, parseSelector, SelectorError } from './selector.ts';
export type { LedSnapshot, PodSummary } from './snapshot.ts';

// @kubeblink/up: `kubeblink up`, the whole thing on one machine (npm start).
export { type ChoiceInput, type ClusterChoice, chooseCluster, goToolchain, versionAtLeast } from './choice.ts';
export { SHIPPED_RECORDING } from './cluster-component.ts';
export { upCommand } from './command.ts';
export { DEMO_APP_MANIFEST } from './demo-app.ts';
export { appNamespaces, defaultLogFile } from './paths.ts';
export { runUp } from './run.ts';
export { nextSteps } from './steps.ts';
export { BusTail, eventLine } from './tail.ts';
export { Up, type UpIo } from './up.ts';
export { type BoardView, boardLines, ledGlyph, renderView, type ViewModel } from './view.ts';

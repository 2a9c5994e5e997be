// What to try next, printed once everything runs (and kept short in the live picture's footer).
// Every line is exact and copy-paste (issue 14): no command that fails as printed, paths shortened
// with ~, and the short form fits 80 columns (the sim's kubectl behind `npx kubeblink sim kubectl`).
import { tildePath } from '@kubeblink/kube/plain';

export interface StepsInput {
  description: string;
  broker: string;
  wsUrl?: string;
  portNote: string;
  /** How to reach the cluster shown with kubectl (none for a recording). */
  kubectl?: {
    kubeconfig?: string;
    context?: string;
    bin?: string;
    /** The simulated cluster in its default state directory: every command finds it by itself. */
    discovered?: boolean;
  };
  leds: string;
  logFile: string;
  warnings: string[];
}

/** The dashboard's defaults (schemas/config/dashboard-settings.schema.json): page port 9106, and the
 * broker's WebSocket on port 9001 of the page's host, so the page is opened at 127.0.0.1. */
const DASHBOARD = { httpPort: 9106, wsPort: '9001' };

function dashboardLine(wsUrl: string): string {
  const ws = new URL(wsUrl);
  const flags = ws.port === DASHBOARD.wsPort && ws.hostname === '127.0.0.1' ? '' : ` --broker ${wsUrl}`;
  return `npx kubeblink dashboard${flags}   then open http://127.0.0.1:${DASHBOARD.httpPort}`;
}

export function nextSteps(i: StepsInput, o: { short?: boolean } = {}): string[] {
  const port = new URL(i.broker).port;
  const sub = `mosquitto_sub -h 127.0.0.1 -p ${port} -v -t 'kubeblink/#'`;
  const k = i.kubectl;
  const kubeconfig = k?.kubeconfig ? tildePath(k.kubeconfig) : undefined;
  // The demos find the cluster by themselves when it is the discovered sim or the user's default.
  const env = kubeconfig && !k?.context && !k?.discovered ? `KUBECONFIG=${kubeconfig} ` : '';
  const ctx = k?.context ? `${kubeconfig ? ` --kubeconfig ${kubeconfig}` : ''} --context ${k.context}` : '';
  const kubectl = !k
    ? undefined
    : k.discovered
      ? 'npx kubeblink sim kubectl get pods -o wide'
      : `${env}${k.bin ? tildePath(k.bin) : 'kubectl'}${ctx} get pods -o wide`;
  const demoFlags = `${port === '1883' ? '' : ` --broker ${i.broker}`}${ctx}`;
  const dashboard = i.wsUrl ? dashboardLine(i.wsUrl) : undefined;
  const log = tildePath(i.logFile);
  if (o.short) {
    return [
      `bus: ${sub}`,
      ...(kubectl ? [`kubectl: ${kubectl}`] : []),
      [k ? 'demos: npx kubeblink demo --list' : '', dashboard ? 'dashboard: npx kubeblink dashboard' : '']
        .filter(Boolean)
        .join(' · ') || `LEDs: curl -s ${i.leds}`,
      `log: ${log}`,
      ...i.warnings.map((w) => `! ${w}`),
    ];
  }
  return [
    `kubeblink up is running: ${i.description}`,
    ...(i.portNote ? [`  note       ${i.portNote}`] : []),
    `  broker     ${i.broker}${i.wsUrl ? ` (WebSocket ${i.wsUrl})` : ''}; anonymous clients on this machine may read, not publish`,
    `  the bus    ${sub}`,
    ...(kubectl ? [`  kubectl    ${kubectl}`] : []),
    ...(k
      ? [`  demos      npx kubeblink demo --list   then e.g.  ${env}npx kubeblink demo crash-restart${demoFlags}`]
      : []),
    ...(dashboard ? [`  dashboard  ${dashboard}`] : []),
    `  LEDs       curl -s ${i.leds}`,
    `  log        ${log}`,
    ...i.warnings.map((w) => `  warning    ${w}`),
    '  Ctrl-C stops everything up started',
  ];
}

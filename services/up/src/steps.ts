// What to try next, printed once everything runs (and kept short in the live picture's footer).
// Every line is exact and copy-paste (issue 14): no command that fails as printed, paths shortened
// with ~, and the short form fits 80 columns (the sim's kubectl behind `npx kubeblink sim kubectl`).
// The dashboard up serves comes first (issue 18): the page to put on the projector.
import { tildePath } from '@kubeblink/kube/plain';

export interface StepsInput {
  description: string;
  broker: string;
  wsUrl?: string;
  /** The page of the dashboard up serves (issue 18): first among the steps. */
  dashboard?: string;
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
  const dashboard = i.dashboard;
  const log = tildePath(i.logFile);
  if (o.short) {
    // The dashboard first (the page to put on the projector), sharing a line with the demos so the
    // footer keeps its height in 80×24.
    const first = [dashboard ? `dashboard: ${dashboard}` : '', k ? 'demos: npx kubeblink demo --list' : '']
      .filter(Boolean)
      .join(' · ');
    return [
      first || `LEDs: curl -s ${i.leds}`,
      `bus: ${sub}`,
      ...(kubectl ? [`kubectl: ${kubectl}`] : []),
      `log: ${log}`,
      ...i.warnings.map((w) => `! ${w}`),
    ];
  }
  return [
    `kubeblink up is running: ${i.description}`,
    ...(dashboard ? [`  dashboard  open ${dashboard}   (every board, the pods table, captions)`] : []),
    ...(i.portNote ? [`  note       ${i.portNote}`] : []),
    `  broker     ${i.broker}${i.wsUrl ? ` (WebSocket ${i.wsUrl})` : ''}; anonymous clients on this machine may read, not publish`,
    `  the bus    ${sub}`,
    ...(kubectl ? [`  kubectl    ${kubectl}`] : []),
    ...(k
      ? [`  demos      npx kubeblink demo --list   then e.g.  ${env}npx kubeblink demo crash-restart${demoFlags}`]
      : []),
    `  LEDs       curl -s ${i.leds}`,
    `  log        ${log}`,
    ...i.warnings.map((w) => `  warning    ${w}`),
    '  Ctrl-C stops everything up started',
  ];
}

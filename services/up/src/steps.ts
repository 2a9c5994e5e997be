// What to try next, printed once everything runs (and kept short in the live picture's footer).

export interface StepsInput {
  description: string;
  broker: string;
  wsUrl?: string;
  portNote: string;
  /** How to reach the cluster shown with kubectl (none for a recording). */
  kubectl?: { kubeconfig?: string; context?: string; bin?: string };
  leds: string;
  logFile: string;
  warnings: string[];
}

export function nextSteps(i: StepsInput, o: { short?: boolean } = {}): string[] {
  const port = new URL(i.broker).port;
  const sub = `mosquitto_sub -h 127.0.0.1 -p ${port} -v -t 'kubeblink/#'`;
  const k = i.kubectl;
  const env = k?.kubeconfig && !k.context ? `KUBECONFIG=${k.kubeconfig} ` : '';
  const flags = `${k?.kubeconfig && k.context ? ` --kubeconfig ${k.kubeconfig}` : ''}${k?.context ? ` --context ${k.context}` : ''}`;
  const kubectl = k ? `${env}${k.bin ?? 'kubectl'}${flags} get pods -o wide` : undefined;
  const dashboard = i.wsUrl
    ? `npx kubeblink dashboard --broker ${i.wsUrl} --http-port 9106  (then open http://localhost:9106)`
    : undefined;
  if (o.short) {
    return [
      `bus: ${sub}`,
      ...(kubectl ? [`kubectl: ${kubectl}`] : []),
      `more: ${k ? 'npx kubeblink demo --list · ' : ''}${i.leds} · log ${i.logFile}`,
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
      ? [
          `  demos      ${env}npx kubeblink demo --list   then e.g.  ${env}npx kubeblink demo crash-restart${
            port === '1883' ? '' : ` --broker ${i.broker}`
          }${k.context ? ` --context ${k.context}` : ''}`,
        ]
      : []),
    ...(dashboard ? [`  dashboard  ${dashboard}`] : []),
    `  LEDs       curl -s ${i.leds}`,
    `  log        ${i.logFile}`,
    ...i.warnings.map((w) => `  warning    ${w}`),
    '  Ctrl-C stops everything up started',
  ];
}

import { connectKit } from '@kubeblink/kit';

const kit = connectKit({
  url: process.env.KUBEBLINK_BROKER ?? 'mqtt://localhost:1883', // in a browser: ws://<broker>:9001
  cluster: process.env.KUBEBLINK_CLUSTER ?? 'default',
  username: process.env.KUBEBLINK_USERNAME, // a read-only user is enough
  password: process.env.KUBEBLINK_PASSWORD,
});

kit.on('io.kubeblink.pod.restarted', (e) => {
  console.log(`${e.data.name} crashed on ${e.data.node}: ${e.data.reason}, exit code ${e.data.exitCode}`);
});
kit.on('io.kubeblink.node.*', (e) => console.log(`node ${e.data.name} is ${e.data.status}`));
kit.onSignal('request', (s) => console.log(`${s.data.pod} served ${s.data.method} ${s.data.path}`));

// The live model: the retained node and pod states, kept current (and resynced after a reconnect).
await kit.synced();
for (const node of kit.model.nodes()) {
  const pods = kit.model.pods(node.name).map((p) => `${p.name} (${p.status})`);
  console.log(`${node.name} ${node.status}: ${pods.join(', ')}`);
}
kit.model.onChange((c) => {
  if (c.kind === 'pod' && !c.after) console.log(`${c.namespace}/${c.name} is gone from ${c.node}`);
});

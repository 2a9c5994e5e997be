// Child process for the last-will test: connects as a service, says "up" once online, then waits to be killed.
import { BusClient } from '../src/bus/client.ts';
import { silentLogger } from '../src/log.ts';
import { createRegistry } from '../src/metrics.ts';

const [url, instance] = process.argv.slice(2) as [string, string];
const bus = new BusClient({
  url,
  cluster: 'c',
  instance,
  identity: { kind: 'service', service: 'led', node: 'n1' },
  role: 'reader',
  log: silentLogger(),
  registry: createRegistry('test', false),
  mqtt: { keepalive: 1 },
});
bus.onConnect(() => {
  process.stdout.write('up\n');
});
await bus.start();
setInterval(() => {}, 1000);

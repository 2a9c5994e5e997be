// Benchmark helper: a plain Aedes broker in its own process (its CPU is not the LED service's).
import { PlainBroker } from '@kubeblink/test/support/plain-broker';

const broker = await new PlainBroker().start();
process.stdout.write(`${broker.port}\n`);
process.on('SIGTERM', () => broker.stop().then(() => process.exit(0)));

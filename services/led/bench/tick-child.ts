// Benchmark baseline: what an otherwise empty Node process pays for waking 50 times a second on this
// machine right now (prints CPU ms per second), to put the LED service's own figure in context.
const seconds = Number(process.argv[2] ?? 5);
const tick = setInterval(() => {}, 20);
await new Promise((r) => setTimeout(r, 500));
const c0 = process.cpuUsage();
const t0 = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
const c = process.cpuUsage(c0);
clearInterval(tick);
process.stdout.write(`${(c.user + c.system) / 1000 / ((performance.now() - t0) / 1000)}\n`);

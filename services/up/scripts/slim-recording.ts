// Makes a recording (from `kubeblink record`) small enough to ship: drops metadata.managedFields
// (bookkeeping of server-side apply, which the watcher never reads) from every recorded object.
//   npm exec -- node services/up/scripts/slim-recording.ts IN.jsonl OUT.jsonl
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: slim-recording.ts IN.jsonl OUT.jsonl');
  process.exit(2);
}
const lines = readFileSync(input, 'utf8').split('\n').filter(Boolean);
const out = lines.map((line) => {
  const v = JSON.parse(line) as { object?: { metadata?: { managedFields?: unknown } } };
  if (v.object?.metadata) delete v.object.metadata.managedFields;
  return JSON.stringify(v);
});
writeFileSync(output, `${out.join('\n')}\n`);
console.error(`${input}: ${lines.length} lines; wrote ${output}`);

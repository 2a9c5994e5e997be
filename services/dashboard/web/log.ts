// The event log: newest first, a fixed number of rows (hours unattended must not grow the page),
// filtered as you type.
import type { ClusterEvent } from '@kubeblink/schemas';

const MAX_ROWS = 200;
const BAD = /restarted|crashloop|imagepull|config-error|failed|evicted|notready|unreachable|deleted/;
const WARN = /unready|terminating|cordoned/;

export class EventLog {
  private readonly list: HTMLOListElement;
  private filter = '';
  private readonly entries: { text: string; el: HTMLLIElement }[] = [];

  constructor(list: HTMLOListElement, input: HTMLInputElement) {
    this.list = list;
    input.addEventListener('input', () => {
      this.filter = input.value.trim().toLowerCase();
      for (const e of this.entries) e.el.hidden = !this.matches(e.text);
    });
  }

  add(e: ClusterEvent): void {
    const short = e.type.replace('io.kubeblink.', '');
    const d = e.data as { namespace?: string; name: string; node?: string | null; reason?: string };
    const who = d.namespace ? `${d.namespace}/${d.name}${d.node ? ` on ${d.node}` : ''}` : d.name;
    const text = `${short} ${who}${d.reason ? ` (${d.reason})` : ''}`;
    const li = document.createElement('li');
    li.className = BAD.test(short) ? 'bad' : WARN.test(short) ? 'warn' : '';
    const time = document.createElement('time');
    time.dateTime = e.time;
    time.textContent = new Date(e.time).toLocaleTimeString();
    li.append(time, text);
    li.dataset.type = e.type;
    li.hidden = !this.matches(text.toLowerCase());
    this.list.prepend(li);
    this.entries.unshift({ text: text.toLowerCase(), el: li });
    while (this.entries.length > MAX_ROWS) this.entries.pop()?.el.remove();
  }

  private matches(text: string): boolean {
    return this.filter === '' || text.includes(this.filter);
  }
}

// The page: tabs (WAI-ARIA tabs pattern, arrow keys move between them), and one training worker
// per tab so both can run at once. Nothing numeric runs on this thread.
import './style.css';
import { timeSeriesTab } from './ts-tab.js';
import { insideTab } from './inside-tab.js';
import { classifierTab } from './cls-tab.js';
import { textTab } from './text-tab.js';

const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
const opened = new Set<string>();
const onOpen: Record<string, () => void> = { 'panel-ts': timeSeriesTab, 'panel-in': insideTab, 'panel-cls': classifierTab, 'panel-text': textTab };

function select(tab: HTMLButtonElement, focus: boolean): void {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    document.getElementById(t.getAttribute('aria-controls')!)!.hidden = !on;
  }
  if (focus) tab.focus();
  const id = tab.getAttribute('aria-controls')!;
  // a tab's worker and charts start when it is first shown (its panel has a width then)
  if (!opened.has(id)) {
    opened.add(id);
    onOpen[id]?.();
  }
  if (location.hash !== `#${tab.id}`) history.replaceState(null, '', `#${tab.id}`);
}

for (const t of tabs) {
  t.addEventListener('click', () => select(t, false));
  t.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(t);
    const to = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i - 1 + tabs.length) % tabs.length : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    select(tabs[to]!, true);
  });
}

select(tabs.find((t) => `#${t.id}` === location.hash) ?? tabs[0]!, false);

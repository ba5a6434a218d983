// Vega-Lite spec → SVG string, in pure JS (no canvas, no DOM): works in Node and in browsers.
// vega and vega-lite are loaded on first render: they take ~0.5 s to import, which every user of
// the library would otherwise pay at `import 'rnnkit'`.
import type { TopLevelSpec } from 'vega-lite';
import { BASE_CONFIG } from './specs.js';

let vegaModules: Promise<[typeof import('vega-lite'), typeof import('vega')]> | undefined;

/**
 * Vega numbers clip paths and gradients from process-wide counters, so the same chart rendered
 * twice would get different ids. Renumber them by order of first appearance.
 */
function normalizeIds(svg: string): string {
  const maps = new Map<string, Map<string, number>>();
  return svg.replace(/(id="|url\(#)(p_)?(clip|gradient_)(\d+)(?=[")])/g, (_m, lead: string, p: string | undefined, kind: string, n: string) => {
    let map = maps.get(kind);
    if (!map) { map = new Map(); maps.set(kind, map); }
    let id = map.get(n);
    if (id === undefined) { id = map.size + 1; map.set(n, id); }
    return `${lead}${p ?? ''}${kind}${id}`;
  });
}

/**
 * Render a Vega-Lite spec to an SVG document string. Same spec → byte-identical SVG.
 * The spec's own `config` wins; missing keys fall back to rnnkit's defaults (generic sans-serif font).
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [{ compile }, { parse, View }] = await (vegaModules ??= Promise.all([import('vega-lite'), import('vega')]));
  const withConfig = { ...spec, config: { ...BASE_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const vgSpec = compile(withConfig).spec;
  const view = new View(parse(vgSpec), { renderer: 'none', logLevel: 0 });
  try {
    const svg = await view.toSVG();
    return normalizeIds(svg);
  } finally {
    view.finalize();
  }
}

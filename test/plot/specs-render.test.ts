import { ValueError } from '../../src/errors.js';
import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import {
  actualVsPredictedSpec, gradientNormsSpec, lossCurvesSpec, renderSvg,
} from '../../src/plot/index.js';

/** A small well-formedness check: balanced tags, one root, quoted attributes. */
function checkXml(xml: string): string {
  const s = xml.replace(/^<\?xml[^>]*\?>\s*/, '').trim();
  const stack: string[] = [];
  let root = '';
  const re = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<!--[\s\S]*?-->|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    if (m[6] !== undefined) throw new Error(`stray '<' at ${m.index}: ${s.slice(m.index, m.index + 40)}`);
    if (m[5] !== undefined) {
      if (stack.length === 0 && m[5].trim() !== '') throw new Error('text outside the root element');
      if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(m[5])) throw new Error(`bad entity in "${m[5].slice(0, 40)}"`);
      continue;
    }
    if (m[2] === undefined) continue; // comment
    const [, close, name, , selfClose] = m;
    if (close) {
      if (stack.pop() !== name) throw new Error(`mismatched </${name}>`);
    } else {
      if (stack.length === 0) {
        if (root) throw new Error('two root elements');
        root = name!;
      }
      if (!selfClose) stack.push(name!);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return root;
}

const hist = (a: number, n = 12): number[] => Array.from({ length: n }, (_, i) => a * Math.exp(-i / 4) + 0.05);

function sampleAvp(): Parameters<typeof actualVsPredictedSpec>[0] {
  const dates: string[] = [];
  const actual: number[] = [];
  for (let i = 0; i < 36; i++) {
    dates.push(new Date(Date.UTC(2020, i, 1)).toISOString().slice(0, 10));
    actual.push(2 + Math.sin(i / 5));
  }
  const testDates = dates.slice(24);
  const fDates = [0, 1, 2, 3].map((i) => new Date(Date.UTC(2023, i, 1)).toISOString().slice(0, 10));
  return {
    dates, actual, testStart: dates[24], title: 'Yield: actual vs predicted', yLabel: 'GS10 (%)',
    predictions: {
      ar: { dates: testDates, values: actual.slice(24).map((v) => v + 0.05) },
      rnn: { dates: testDates, values: actual.slice(24).map((v) => v - 0.05) },
    },
    forecast: { rnn: { dates: fDates, values: [1.5, 1.4, 1.3, 1.2] } },
  };
}

describe('specs', () => {
  it('lossCurvesSpec compiles and holds train and validation rows for every model', () => {
    const spec = lossCurvesSpec({ ar: { train: [3, 2, 1], val: [3.5, null, 1.5] }, rnn: { train: [4, 2], val: null } });
    const values = (spec as { data: { values: { model: string; split: string; epoch: number }[] } }).data.values;
    expect(values.filter((v) => v.model === 'ar' && v.split === 'train')).toHaveLength(3);
    expect(values.filter((v) => v.model === 'ar' && v.split === 'validation').map((v) => v.epoch)).toEqual([1, 3]);
    expect(values.filter((v) => v.model === 'rnn')).toHaveLength(2);
    expect(() => compile(spec)).not.toThrow();
  });

  it('logScale drops non-positive losses', () => {
    const spec = lossCurvesSpec({ m: { train: [1, 0, 0.5], val: null } }, { logScale: true });
    const values = (spec as { data: { values: unknown[] } }).data.values;
    expect(values).toHaveLength(2);
  });

  it('actualVsPredictedSpec checks lengths and reserved names', () => {
    expect(() => actualVsPredictedSpec({ dates: ['2020-01-01'], actual: [1, 2], predictions: {} })).toThrow(ValueError);
    expect(() => actualVsPredictedSpec({
      dates: ['2020-01-01'], actual: [1], predictions: { actual: { dates: ['2020-01-01'], values: [1] } },
    })).toThrow(/reserved/);
    expect(() => compile(actualVsPredictedSpec(sampleAvp()))).not.toThrow();
  });

  it('actualVsPredictedSpec handles numeric time steps', async () => {
    const svg = await renderSvg(actualVsPredictedSpec({
      dates: ['0', '1', '2', '3'], actual: [1, 2, 3, 2], testStart: '2',
      predictions: { mlp: { dates: ['2', '3'], values: [2.9, 2.2] } },
    }));
    expect(svg).toContain('time step');
    expect(checkXml(svg)).toBe('svg');
  });
});

describe('renderSvg', () => {
  it('renders the loss curves as valid SVG with series names and axis titles', async () => {
    const svg = await renderSvg(lossCurvesSpec(
      { ar: { train: hist(1), val: hist(1.2) }, mlp: { train: hist(2), val: hist(2.1) }, rnn: { train: hist(3), val: hist(3.3) } },
      { title: 'Loss by epoch' },
    ));
    expect(checkXml(svg)).toBe('svg');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['ar', 'mlp', 'rnn', 'train', 'validation', 'epoch', 'loss', 'Loss by epoch']) {
      expect(svg).toContain(`>${text}</text>`);
    }
    expect(svg).toContain('sans-serif');
  });

  it('renders actual vs predicted with forecast and test span', async () => {
    const svg = await renderSvg(actualVsPredictedSpec(sampleAvp()));
    expect(checkXml(svg)).toBe('svg');
    for (const text of ['actual', 'ar', 'rnn', 'free-running forecast', 'one-step prediction', 'test span', 'GS10 (%)', 'date']) {
      expect(svg).toContain(`>${text}</text>`);
    }
    expect(svg).toContain('stroke-dasharray="7,4"'); // the free-running forecast's dash
  });

  it('renders the gradient-norm heatmap', async () => {
    const norms = Array.from({ length: 5 }, (_, e) => Array.from({ length: 8 }, (_, t) => 10 ** (t - 8 + e / 5)));
    norms[0]![0] = 0; // left blank on a log scale
    const svg = await renderSvg(gradientNormsSpec(norms));
    expect(checkXml(svg)).toBe('svg');
    expect(svg).toContain('>time step t</text>');
    expect(svg).toContain('>epoch</text>');
  });

  it('is deterministic: identical input gives identical SVG, also after other renders', async () => {
    const make = () => actualVsPredictedSpec(sampleAvp());
    const a = await renderSvg(make());
    await renderSvg(gradientNormsSpec([[1, 2], [3, 4]])); // advances vega's global id counters
    const [b, c] = await Promise.all([renderSvg(make()), renderSvg(make())]);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(a).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/); // no timestamps
  });

  it('does not depend on the local time zone', async () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const utc = await renderSvg(actualVsPredictedSpec(sampleAvp()));
      process.env.TZ = 'America/Los_Angeles';
      const la = await renderSvg(actualVsPredictedSpec(sampleAvp()));
      expect(new Date(Date.UTC(2020, 0, 1)).getDate()).toBe(31); // the zone did change
      expect(la).toBe(utc);
    } finally {
      if (saved === undefined) delete process.env.TZ; else process.env.TZ = saved;
    }
  });

  it('escapes markup in titles', async () => {
    const svg = await renderSvg(lossCurvesSpec({ '<b>m</b>': { train: [1, 2], val: null } }, { title: '<script>x</script> & co' }));
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(checkXml(svg)).toBe('svg');
  });
});

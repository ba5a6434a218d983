// docs/onnx.md's example runs as written (the package name pointed at the sources, the file in a
// temp folder) and the file it writes runs in onnxruntime-node at other batch and seq sizes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('docs/onnx.md', () => {
  it('the export example writes a file ONNX Runtime runs with any batch and sequence length', async () => {
    const md = readFileSync(join(ROOT, 'docs/onnx.md'), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(md)![1]!;
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-onnx-doc-'));
    const out = join(dir, 'lstm.onnx');
    const file = join(dir, 'example.mts');
    writeFileSync(file, code.replaceAll("from 'rnnkit'", `from ${JSON.stringify(join(ROOT, 'src/node.ts'))}`).replace("'lstm.onnx'", JSON.stringify(out)));
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const s = await ort.InferenceSession.create(out);
    expect(s.inputNames).toEqual(['x', 'h0', 'c0']);
    const z = (n: number) => new Float32Array(n);
    const res = await s.run({ x: new ort.Tensor('float32', z(3 * 7 * 3), [3, 7, 3]), h0: new ort.Tensor('float32', z(4 * 3 * 16), [4, 3, 16]), c0: new ort.Tensor('float32', z(4 * 3 * 16), [4, 3, 16]) });
    expect([res.y!.dims, res.h_n!.dims, res.c_n!.dims]).toEqual([[3, 7, 32], [4, 3, 16], [4, 3, 16]]);
  });
});

// saveOnnx writes the whole file through a temp file and rename, and refuses empty bytes in one line.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveOnnx } from '../../src/node.js';

describe('saveOnnx', () => {
  it('writes the bytes and leaves no temp file; empty bytes and a missing folder are one-line errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-onnx-'));
    const bytes = Uint8Array.from([8, 8, 18, 6]);
    saveOnnx(join(dir, 'm.onnx'), bytes);
    expect([...readFileSync(join(dir, 'm.onnx'))]).toEqual([8, 8, 18, 6]);
    expect(readdirSync(dir)).toEqual(['m.onnx']);
    expect(() => saveOnnx(join(dir, 'e.onnx'), new Uint8Array(0))).toThrow(/^saveOnnx: nothing to write to .*e\.onnx/);
    expect(() => saveOnnx(join(dir, 'no', 'such', 'm.onnx'), bytes)).toThrow(/^saveOnnx: cannot write .*m\.onnx: ENOENT/);
    expect(readdirSync(dir)).toEqual(['m.onnx']);
  });
});

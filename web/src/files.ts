// Saving and opening model files in the page: a download of bytes the worker made, and the chosen
// files read into bytes for the worker (which parses them with the library).
import type { UploadedFile } from './protocol.js';

/** Downloads `bytes` as a file named `name` (a Blob URL and an <a download>; nothing leaves the machine). */
export function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The files chosen in a file input, as bytes (empty when none); the input is cleared so the same file can be chosen again. */
export async function chosenFiles(input: HTMLInputElement): Promise<UploadedFile[]> {
  const files = [...(input.files ?? [])];
  const out = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  input.value = '';
  return out;
}

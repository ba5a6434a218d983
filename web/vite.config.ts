// The playground's build: a static site (relative paths, so web/dist works from any folder or
// static host). `rnnkit` resolves to the library's public surface, src/index.ts.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = join(root, 'dist');

/**
 * jieba's wasm is emitted by its `new URL(…, import.meta.url)` before tree shaking drops the code
 * that names it; a file no script or page mentions is never fetched, so it leaves the build.
 */
function dropUnreferencedWasm(): Plugin {
  let out = outDir; // the build's own outDir: a caller (a test) may build elsewhere
  return {
    name: 'rnnkit-drop-unreferenced-wasm',
    apply: 'build',
    configResolved(config) {
      out = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const assets = join(out, 'assets');
      const files = readdirSync(assets);
      const text = files.filter((f) => /\.(js|css)$/.test(f)).map((f) => readFileSync(join(assets, f), 'utf8')).join('\n') + readFileSync(join(out, 'index.html'), 'utf8');
      for (const f of files) if (f.endsWith('.wasm') && !text.includes(f)) rmSync(join(assets, f));
    },
  };
}

export default defineConfig({
  root,
  base: './',
  // 'rnnkit/text' first: an alias also matches its key followed by '/'
  resolve: {
    alias: [
      { find: 'rnnkit/text', replacement: fileURLToPath(new URL('../src/text/index.ts', import.meta.url)) },
      { find: 'rnnkit', replacement: fileURLToPath(new URL('../src/index.ts', import.meta.url)) },
    ],
  },
  // The worker imports the public surface, which re-exports the text layer (wink-nlp's English
  // model, jieba's wasm) that tabs 1-2 never call. No module of rnnkit or its dependencies is
  // imported for its side effects alone (src/ has no bare `import '…'`), so modules are declared
  // free of them and Rollup drops every module none of whose exports is used (worker 4.2 MB → 0.35 MB).
  worker: { format: 'es', rollupOptions: { treeshake: { moduleSideEffects: false } } },
  plugins: [dropUnreferencedWasm()],
  // Dev server: the dependency scan starts from the worker too (else it finds the library's
  // dependencies at the first Train and reloads the page); the optimizer breaks jieba-wasm's wasm
  // URL, so jieba stays out of it (ecosystem notes, trap 5).
  optimizeDeps: { entries: ['index.html', 'src/worker.ts', 'src/text-worker.ts'], exclude: ['jieba-wasm'] },
  build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1500 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});

// `rnnkit text …` and `rnnkit embed …`: the text pipeline and word embeddings from the command line.
// Node-only (files, progress bar); the work itself is done by src/text, which also runs in browsers.
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { CliError } from './errors.js';
import { choiceOpt, intOpt, langOpt, numOpt, rangeOpt } from './options.js';
import { checkOutputFile, readTextFile, writeOutputFile } from './fs.js';
import type { CleanOptions, Lang, TokenizeOptions, TrainProgress, Vocab, WordVectors } from '../text/index.js';
import { loadText, textModule } from './lazy-text.js';

/** Where command output goes; tests pass their own. */
export interface TextCliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Draw a progress bar (only when true, and never with --json/--quiet). Default: process.stderr.isTTY. */
  progress?: boolean;
}

const defaultIO: TextCliIO = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
};

// ---------------------------------------------------------------------------------------------
// Input, output and option parsing

/** Lines of a file without the final empty line. */
function fileLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Shared token options

interface TokenFlags {
  lang?: string;
  mode?: string;
  segmenter?: string;
  userDict?: string;
  lowercase?: boolean;
  punctuation?: boolean;
  clean?: boolean;
  stopwords?: boolean;
  stopwordsFile?: string;
  stem?: boolean;
  stemmer?: string;
  lemmatize?: boolean;
  json?: boolean;
}

function addTokenOptions(cmd: Command): Command {
  return cmd
    .option('--lang <lang>', 'zh, en or auto (Chinese segmentation when the text has Han characters)', 'auto')
    .option('--mode <mode>', 'word or char', 'word')
    .option('--segmenter <name>', 'Chinese segmenter: jieba or intl (Intl.Segmenter)', 'jieba')
    .option('--user-dict <file>', 'words (one per line) always kept as one token')
    .option('--lowercase', 'lower-case tokens')
    .option('--no-punctuation', 'drop punctuation and symbol tokens')
    .option('--clean', 'clean each line first (NFKC, strip HTML, URLs, e-mails, emoji)')
    .option('--stopwords', 'remove English and Chinese stop words')
    .option('--stopwords-file <file>', 'extra stop words, one per line (implies --stopwords)')
    .option('--stem', 'stem English tokens (Porter)')
    .option('--stemmer <algorithm>', 'porter or porter2 (implies --stem)')
    .option('--lemmatize', 'replace English tokens by their lemmas (wink-nlp)')
    .option('--json', 'print JSON');
}

/** Build the line → tokens function for the shared flags. */
function tokenizerFor(o: TokenFlags, where: string): (line: string) => string[] {
  const lang = langOpt(o.lang);
  const mode = choiceOpt('mode', o.mode, ['word', 'char'] as const) ?? 'word';
  const segmenter = choiceOpt('segmenter', o.segmenter, ['jieba', 'intl'] as const) ?? 'jieba';
  const stem = choiceOpt('stemmer', o.stemmer, ['porter', 'porter2'] as const) ?? (o.stem ? 'porter' : undefined);
  const userDict = o.userDict ? fileLines(readTextFile(o.userDict, where)).map((l) => l.trim()).filter(Boolean) : undefined;
  const extra = o.stopwordsFile ? fileLines(readTextFile(o.stopwordsFile, where)).map((l) => l.trim()).filter(Boolean) : undefined;
  const topts: TokenizeOptions = {
    lang, mode, segmenter, userDict, lowercase: o.lowercase === true, punctuation: o.punctuation !== false, lemma: o.lemmatize === true,
  };
  return (line) => {
    let toks = textModule().tokenize(o.clean ? textModule().clean(line) : line, topts);
    if (o.stopwords || extra) toks = textModule().removeStopwords(toks, { extra });
    if (stem) toks = textModule().stemTokens(toks, { algorithm: stem });
    return toks;
  };
}

function vocabFlags(o: { minFreq?: string; maxFreq?: string; maxDocFreq?: string; maxSize?: string; specials?: boolean }) {
  return {
    minFreq: intOpt('min-freq', o.minFreq, 1),
    maxFreq: intOpt('max-freq', o.maxFreq, 1),
    maxDocFreq: numOpt('max-doc-freq', o.maxDocFreq, (x) => x > 0 && x <= 1, 'a fraction in (0, 1]'),
    maxSize: intOpt('max-size', o.maxSize, 1),
    specials: o.specials === false ? [] : undefined,
  };
}

function buildVocab(docs: string[][], o: Parameters<typeof vocabFlags>[0]): Vocab {
  const f = vocabFlags(o);
  return textModule().Vocab.build(docs, Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)));
}

function addVocabOptions(cmd: Command): Command {
  return cmd
    .option('--min-freq <n>', 'keep tokens seen at least n times', undefined)
    .option('--max-freq <n>', 'keep tokens seen at most n times')
    .option('--max-doc-freq <f>', 'keep tokens in at most this fraction of lines (0, 1]')
    .option('--max-size <n>', 'vocabulary size, reserved tokens included')
    .option('--no-specials', 'no reserved tokens (<pad> <unk> <bos> <eos>)');
}

/** A vocabulary JSON that `text vocab --out` wrote. */
function isVocabJson(text: string): boolean {
  try {
    return (JSON.parse(text) as { format?: unknown }).format === 'rnnkit.vocab';
  } catch {
    return false;
  }
}

const round = (x: number, d = 6) => Number(x.toFixed(d));

// ---------------------------------------------------------------------------------------------
// Commands

/** Adds `text clean|tokenize|vocab|bow|ngrams|tfidf` and `embed train|similar|analogy` to `program`. */
export function registerTextCommands(program: Command, io: TextCliIO = defaultIO): void {
  const out = (s: string) => io.stdout(s.endsWith('\n') ? s : s + '\n');
  const json = (v: unknown) => out(JSON.stringify(v));

  const text = program.command('text').description('text preprocessing: clean, tokenize, vocabulary, bag-of-words, n-grams, TF-IDF');
  text.hook('preAction', loadText);

  text.command('clean')
    .description('normalise each line: NFKC, strip HTML, URLs, e-mails, emoji, control characters, collapse spaces')
    .argument('<file>', 'UTF-8 text file')
    .option('--lang <lang>', 'zh, en or auto (accepted for symmetry; cleaning is language-independent)', 'auto')
    .option('--lowercase', 'lower-case')
    .option('--digits', 'remove digits')
    .option('--punctuation', 'replace punctuation and symbols by spaces')
    .option('--no-nfkc', 'keep full-width forms')
    .option('--no-html', 'keep HTML tags')
    .option('--no-urls', 'keep URLs')
    .option('--no-emails', 'keep e-mail addresses')
    .option('--no-emoji', 'keep emoji')
    .option('--rule <regex>', 'also delete matches of this regular expression (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--json', 'print {"lines": [...]}')
    .action((file: string, o: Record<string, unknown>) => {
      langOpt(o.lang as string);
      const rules = (o.rule as string[]).map((r) => {
        try {
          return { pattern: new RegExp(r, 'gu') };
        } catch (e) {
          throw new CliError(`--rule: invalid regular expression '${r}': ${(e as Error).message}`);
        }
      });
      const opts: CleanOptions = {
        lowercase: o.lowercase === true, digits: o.digits === true, punctuation: o.punctuation === true,
        nfkc: o.nfkc !== false, html: o.html !== false, urls: o.urls !== false, emails: o.emails !== false, emoji: o.emoji !== false, rules,
      };
      const lines = fileLines(readTextFile(file, 'text clean')).map((l) => textModule().clean(l, opts));
      if (o.json) json({ lines });
      else out(lines.join('\n'));
    });

  addTokenOptions(text.command('tokenize')
    .description('tokenize each line (English words, Chinese segmentation, characters)')
    .argument('<file>', 'UTF-8 text file'))
    .action((file: string, o: TokenFlags) => {
      const tok = tokenizerFor(o, 'text tokenize');
      const tokens = fileLines(readTextFile(file, 'text tokenize')).map(tok);
      if (o.json) json({ tokens });
      else out(tokens.map((t) => t.join(' ')).join('\n'));
    });

  addVocabOptions(addTokenOptions(text.command('vocab')
    .description('build a vocabulary (each line is a document): ids by frequency, then token')
    .argument('<file>', 'UTF-8 text file')))
    .option('--out <file>', 'also save the vocabulary as JSON')
    .option('--force', 'overwrite an existing --out file that is not an rnnkit vocabulary')
    .action((file: string, o: TokenFlags & Parameters<typeof vocabFlags>[0] & { out?: string; force?: boolean }) => {
      const tok = tokenizerFor(o, 'text vocab');
      const docs = fileLines(readTextFile(file, 'text vocab')).filter((l) => l.trim() !== '').map(tok);
      const v = buildVocab(docs, o);
      if (o.out) writeOutputFile(o.out, JSON.stringify(v.toJSON()) + '\n', { option: '--out', force: o.force, inputs: [file], isOurs: isVocabJson });
      if (o.json) json({ tokens: v.tokens, counts: v.counts });
      else out(v.tokens.map((t, i) => `${i}\t${t}\t${v.counts[i]}`).join('\n'));
    });

  addVocabOptions(addTokenOptions(text.command('bow')
    .description('bag-of-words per line over a vocabulary (built from the file, or --vocab)')
    .argument('<file>', 'UTF-8 text file')))
    .option('--vocab <file>', 'vocabulary JSON written by `text vocab --out`')
    .option('--binary', 'presence (1) instead of counts')
    .option('--dense', 'dense rows (with --json: "matrix"; otherwise tab-separated)')
    .action((file: string, o: TokenFlags & Parameters<typeof vocabFlags>[0] & { vocab?: string; binary?: boolean; dense?: boolean }) => {
      const tok = tokenizerFor(o, 'text bow');
      const docs = fileLines(readTextFile(file, 'text bow')).map(tok);
      let v: Vocab;
      if (o.vocab) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(readTextFile(o.vocab, 'text bow'));
        } catch (e) {
          throw e instanceof CliError ? e : new CliError(`text bow: ${o.vocab} is not JSON: ${(e as Error).message}`);
        }
        v = textModule().Vocab.fromJSON(parsed);
      } else {
        v = buildVocab(docs.filter((d) => d.length > 0), o);
      }
      const m = textModule().bagOfWords(docs, v, { binary: o.binary === true });
      const rows = docs.map((_, r) => ({ indices: [...m.indices.subarray(m.indptr[r], m.indptr[r + 1])], values: [...m.data.subarray(m.indptr[r], m.indptr[r + 1])] }));
      const dense = () => rows.map((row) => {
        const d = new Array<number>(v.size).fill(0);
        row.indices.forEach((c, k) => (d[c] = row.values[k]));
        return d;
      });
      if (o.json) json(o.dense ? { vocab: v.tokens, matrix: dense() } : { vocab: v.tokens, rows });
      else if (o.dense) out(dense().map((d) => d.join('\t')).join('\n'));
      else out(rows.map((row) => row.indices.map((c, k) => `${c}:${row.values[k]}`).join(' ')).join('\n'));
    });

  addTokenOptions(text.command('ngrams')
    .description('count word (or --char) n-grams over the file, most frequent first')
    .argument('<file>', 'UTF-8 text file'))
    .option('-n, --n <n>', 'n or a range MIN-MAX', '2')
    .option('--char', 'character n-grams of each line instead of word n-grams')
    .option('--top <k>', 'print only the k most frequent')
    .action((file: string, o: TokenFlags & { n: string; char?: boolean; top?: string }) => {
      const n = rangeOpt('n', o.n)!;
      const top = intOpt('top', o.top, 1);
      const lines = fileLines(readTextFile(file, 'text ngrams'));
      let res: { ngrams: string[]; counts: number[] };
      if (o.char) {
        const docs = lines.map((l) => textModule().charNgrams(o.clean ? textModule().clean(l) : l, { n }));
        res = textModule().countNgrams(docs.map((d) => d), { n: 1 });
      } else {
        const tok = tokenizerFor(o, 'text ngrams');
        res = textModule().countNgrams(lines.map(tok), { n });
      }
      if (top !== undefined) res = { ngrams: res.ngrams.slice(0, top), counts: res.counts.slice(0, top) };
      if (o.json) json(res);
      else out(res.ngrams.map((g, i) => `${res.counts[i]}\t${g}`).join('\n'));
    });

  addTokenOptions(text.command('tfidf')
    .description('TF-IDF per line (scikit-learn TfidfVectorizer numbers); prints the top terms of each line')
    .argument('<file>', 'UTF-8 text file'))
    .option('--ngram-range <r>', 'word n-gram range, N or MIN-MAX', '1')
    .option('--min-df <n>', 'keep terms in at least n lines', '1')
    .option('--max-df <f>', 'keep terms in at most this fraction of lines', '1')
    .option('--max-features <n>', 'keep the n most frequent terms')
    .option('--norm <norm>', 'l2, l1 or none', 'l2')
    .option('--sublinear-tf', 'use 1 + ln(tf)')
    .option('--no-smooth-idf', 'idf = ln(N/df) + 1 instead of ln((1+N)/(1+df)) + 1')
    .option('--top <k>', 'terms printed per line (text output)', '5')
    .action((file: string, o: TokenFlags & Record<string, string | boolean | undefined>) => {
      const tok = tokenizerFor(o, 'text tfidf');
      const docs = fileLines(readTextFile(file, 'text tfidf')).map(tok);
      const norm = choiceOpt('norm', o.norm as string, ['l2', 'l1', 'none'] as const)!;
      const v = new (textModule().TfidfVectorizer)({
        ngramRange: rangeOpt('ngram-range', o.ngramRange as string),
        minDf: intOpt('min-df', o.minDf as string, 1),
        maxDf: numOpt('max-df', o.maxDf as string, (x) => x > 0 && x <= 1, 'a fraction in (0, 1]'),
        maxFeatures: intOpt('max-features', o.maxFeatures as string | undefined, 1),
        norm: norm === 'none' ? null : norm,
        sublinearTf: o.sublinearTf === true,
        smoothIdf: o.smoothIdf !== false,
      });
      const m = v.fitTransform(docs);
      const rows = docs.map((_, r) => ({
        indices: [...m.indices.subarray(m.indptr[r], m.indptr[r + 1])],
        values: [...m.data.subarray(m.indptr[r], m.indptr[r + 1])],
      }));
      if (o.json) {
        json({ vocabulary: v.vocabulary, idf: [...v.idf], rows });
        return;
      }
      const top = intOpt('top', o.top as string, 1)!;
      out(rows.map((row) => row.indices.map((c, k) => [v.vocabulary[c], row.values[k]] as const)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, top)
        .map(([t, x]) => `${t}:${x.toFixed(4)}`).join(' ')).join('\n'));
    });

  registerEmbedCommands(program, io, out, json);
}

function registerEmbedCommands(program: Command, io: TextCliIO, out: (s: string) => void, json: (v: unknown) => void): void {
  const embed = program.command('embed').description('word embeddings: train word2vec/GloVe, query neighbours');
  embed.hook('preAction', loadText);

  embed.command('train')
    .description('train word vectors on a text file (one sentence per line) and save them in word2vec text format')
    .argument('<file>', 'UTF-8 text file')
    .requiredOption('--out <file>', 'output vectors (word2vec text format)')
    .option('--force', 'overwrite an existing --out file')
    .option('--method <m>', 'skipgram, cbow or glove', 'skipgram')
    .option('--dim <n>', 'vector size', '100')
    .option('--window <n>', 'context window (default 5; GloVe 10)')
    .option('--epochs <n>', 'passes over the corpus (default 5; GloVe 15)')
    .option('--min-count <n>', 'ignore words rarer than this', '5')
    .option('--negative <n>', 'word2vec: negative samples', '5')
    .option('--sample <t>', 'word2vec: subsampling threshold (0 = off)', '1e-3')
    .option('--lr <x>', 'starting learning rate (default 0.025 skip-gram, 0.05 CBOW/GloVe)')
    .option('--x-max <x>', 'GloVe: weighting cut-off', '100')
    .option('--seed <n>', 'random seed', '1')
    .option('--lang <lang>', 'zh, en or auto', 'auto')
    .option('--mode <mode>', 'word or char tokens', 'word')
    .option('--pretokenized', 'split lines on whitespace instead of tokenizing (as the C tools do)')
    .option('--keep-case', 'do not lower-case')
    .option('--json', 'print a JSON summary')
    .option('--quiet', 'no progress bar')
    .action((file: string, o: Record<string, string | boolean | undefined>) => {
      const method = choiceOpt('method', o.method as string, ['skipgram', 'cbow', 'glove'] as const)!;
      const lang = langOpt(o.lang as string);
      const mode = choiceOpt('mode', o.mode as string, ['word', 'char'] as const)!;
      const dim = intOpt('dim', o.dim as string, 1)!;
      const window = intOpt('window', o.window as string | undefined, 1);
      const epochs = intOpt('epochs', o.epochs as string | undefined, 1);
      const minCount = intOpt('min-count', o.minCount as string, 1)!;
      const negative = intOpt('negative', o.negative as string, 1)!;
      const sample = numOpt('sample', o.sample as string, (x) => x >= 0, 'a number ≥ 0')!;
      const lr = numOpt('lr', o.lr as string | undefined, (x) => x > 0, 'a number > 0');
      const xMax = numOpt('x-max', o.xMax as string, (x) => x > 0, 'a number > 0')!;
      const seed = intOpt('seed', o.seed as string, 0)!;
      const lower = o.keepCase !== true;
      checkOutputFile(o.out as string, { option: '--out', force: o.force === true, inputs: [file] }); // before the training
      const lines = fileLines(readTextFile(file, 'embed train'));
      const sentences = lines.map((l) => {
        const toks = o.pretokenized ? l.split(/\s+/).filter(Boolean) : textModule().tokenize(l, { lang, mode, punctuation: false });
        return lower ? toks.map((t) => t.toLowerCase()) : toks;
      }).filter((s) => s.length > 0);

      const showBar = (io.progress ?? process.stderr.isTTY === true) && !o.json && !o.quiet;
      const bar = showBar
        ? new cliProgress.SingleBar({ stream: process.stderr, format: `${method} [{bar}] {percentage}% | {info}`, hideCursor: true }, cliProgress.Presets.shades_classic)
        : undefined;
      bar?.start(1000, 0, { info: '' });
      const onProgress = (p: TrainProgress) => bar?.update(Math.round(p.progress * 1000), {
        info: p.wordsPerSecond !== undefined ? `${Math.round(p.wordsPerSecond / 1000)}k words/s` : p.loss !== undefined ? `epoch ${p.epoch + 1} loss ${p.loss.toFixed(4)}` : 'counting',
      });
      let vectors: WordVectors;
      let summary: Record<string, unknown>;
      const t0 = performance.now();
      try {
        if (method === 'glove') {
          const r = textModule().trainGlove(sentences, { dim, window, epochs, minCount, lr, xMax, seed, onProgress });
          vectors = r.vectors;
          summary = { nonZero: r.nonZero, secondsPerIteration: round(r.secondsPerIteration, 3), finalLoss: round(r.losses[r.losses.length - 1]) };
        } else {
          const r = textModule().trainWord2Vec(sentences, { method, dim, window, epochs, minCount, negative, sample, lr, seed, onProgress });
          vectors = r.vectors;
          summary = { trainWords: r.trainWords, wordsPerSecond: Math.round(r.wordsPerSecond) };
        }
      } finally {
        bar?.stop();
      }
      writeOutputFile(o.out as string, vectors.toWord2vecText(), { option: '--out', force: o.force === true, inputs: [file] });
      const seconds = round((performance.now() - t0) / 1000, 3);
      const res = { method, vocabSize: vectors.size, dim, seconds, ...summary, out: o.out };
      if (o.json) json(res);
      else out(`${method}: ${vectors.size} words × ${dim} in ${seconds} s → ${String(o.out)}`);
    });

  const loadVectors = (file: string, where: string): WordVectors => {
    try {
      return textModule().WordVectors.fromWord2vecText(readTextFile(file, where));
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`${where}: ${file}: ${(e as Error).message}`);
    }
  };
  const need = (wv: WordVectors, w: string, file: string, where: string) => {
    if (!wv.has(w)) throw new CliError(`${where}: '${w}' is not in ${file} (${wv.size} words)`);
  };

  embed.command('similar')
    .description('the words nearest to WORD by cosine similarity')
    .argument('<vectors>', 'word2vec text file')
    .argument('<word>', 'query word')
    .option('-k, --k <k>', 'number of neighbours', '10')
    .option('--json', 'print {"word", "neighbours": [{"word", "similarity"}]}')
    .action((file: string, word: string, o: { k: string; json?: boolean }) => {
      const k = intOpt('k', o.k, 1)!;
      const wv = loadVectors(file, 'embed similar');
      need(wv, word, file, 'embed similar');
      const nb = wv.mostSimilar(word, k).map((n) => ({ word: n.word, similarity: round(n.similarity) }));
      if (o.json) json({ word, neighbours: nb });
      else out(nb.map((n) => `${n.word}\t${n.similarity.toFixed(4)}`).join('\n'));
    });

  embed.command('analogy')
    .description('A is to B as C is to ? (nearest to B − A + C)')
    .argument('<vectors>', 'word2vec text file')
    .argument('<a>').argument('<b>').argument('<c>')
    .option('-k, --k <k>', 'number of answers', '5')
    .option('--json', 'print {"query": [a, b, c], "answers": [{"word", "similarity"}]}')
    .action((file: string, a: string, b: string, c: string, o: { k: string; json?: boolean }) => {
      const k = intOpt('k', o.k, 1)!;
      const wv = loadVectors(file, 'embed analogy');
      for (const w of [a, b, c]) need(wv, w, file, 'embed analogy');
      const ans = wv.analogy(a, b, c, k).map((n) => ({ word: n.word, similarity: round(n.similarity) }));
      if (o.json) json({ query: [a, b, c], answers: ans });
      else out(ans.map((n) => `${n.word}\t${n.similarity.toFixed(4)}`).join('\n'));
    });
}

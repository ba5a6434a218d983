// `rnnkit lm train` and `rnnkit lm generate`: character- and word-level RNN/LSTM/GRU language
// models from the command line. The work is done by src/models/lm.ts and src/train/lm.ts; this
// file reads and writes files, parses options and prints.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Generator, data, models, train } from '../index.js';
import { loadText, textModule } from './lazy-text.js';
import { CliError } from './errors.js';
import { readTextFile } from './fs.js';
import { checkModelTarget, loadModel, saveModel } from '../io/model-files.js';
import { checkMemory } from '../memory.js';
import { choiceOption, floatOption, intOption, nonNegative } from './options.js';
import { progressBar, type Progress } from './progress.js';

type Out = (s: string) => void;
export interface LmCliIO {
  stdout: Out;
  stderr: Out;
}

interface TrainFlags {
  level: models.LmLevel;
  model: models.LmCell;
  hidden: number;
  layers: number;
  embed?: number;
  dropout: number;
  seqLen: number;
  batchSize: number;
  epochs: number;
  optimizer: 'sgd' | 'adam';
  lr?: number;
  clip: number;
  iterator: 'sequential' | 'random';
  val: number;
  minFreq: number;
  maxVocab?: number;
  maxTokens?: number;
  lowercase?: boolean;
  lang: 'zh' | 'en' | 'auto';
  seed: number;
  out: string;
  json?: boolean;
  quiet?: boolean;
}

interface GenerateFlags {
  model: string;
  prefix: string;
  length: number;
  temperature: number;
  topK?: number;
  seed: number;
  json?: boolean;
}

/** Default learning rate per optimizer: d2l's SGD lr 1, Adam's usual 0.002 for char models. */
const DEFAULT_LR = { sgd: 1, adam: 0.002 } as const;
/** Without --embed: one-hot input (d2l) for small vocabularies, a learned embedding otherwise. */
const ONE_HOT_MAX_VOCAB = 256;
const DEFAULT_EMBED = 128;


const r4 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x);

export function registerLmCommands(program: Command, io: LmCliIO): void {
  const lm = program.command('lm').description('character- and word-level RNN/LSTM/GRU language models');
  lm.hook('preAction', loadText);

  lm.command('train')
    .description('train a language model on a UTF-8 text file and save it to a model directory')
    .argument('<file>', 'UTF-8 text corpus (one sentence or verse per line works well)')
    .option('--level <level>', 'char or word', choiceOption('level', ['char', 'word'] as const), 'char')
    .option('--model <cell>', 'rnn, lstm or gru', choiceOption('model', models.LM_CELLS), 'rnn')
    .option('--hidden <n>', 'hidden units', intOption('hidden'), 256)
    .option('--layers <n>', 'recurrent layers', intOption('layers'), 1)
    .option('--embed <n>', `embedding size; 0 = one-hot input (default: one-hot up to ${ONE_HOT_MAX_VOCAB} tokens, else ${DEFAULT_EMBED})`, intOption('embed', 0))
    .option('--dropout <p>', 'dropout between recurrent layers', nonNegative('dropout', { below: 1 }), 0)
    .option('--seq-len <n>', 'time steps per training sequence (BPTT length)', intOption('seq-len'), 35)
    .option('--batch-size <n>', 'sequences per batch', intOption('batch-size'), 32)
    .option('--epochs <n>', 'passes over the corpus', intOption('epochs'), 10)
    .option('--optimizer <name>', 'sgd or adam', choiceOption('optimizer', ['sgd', 'adam'] as const), 'sgd')
    .option('--lr <x>', 'learning rate (default: 1 for sgd as d2l, 0.002 for adam)', floatOption('lr', { positive: true }))
    .option('--clip <x>', 'clip the gradient norm to this; 0 = no clipping', nonNegative('clip'), 1)
    .option('--iterator <kind>', 'sequential (state carried across batches) or random (fresh state per batch)', choiceOption('iterator', ['sequential', 'random'] as const), 'sequential')
    .option('--val <fraction>', 'hold out the last fraction of the tokens and report its perplexity', nonNegative('val', { below: 0.5 }), 0)
    .option('--min-freq <n>', 'tokens seen fewer times become <unk>', intOption('min-freq'), 1)
    .option('--max-vocab <n>', 'keep at most this many vocabulary entries (the most frequent; <unk> included)', intOption('max-vocab', 2))
    .option('--max-tokens <n>', 'use only the first N tokens of the corpus', intOption('max-tokens'))
    .option('--lowercase', 'lower-case the text first')
    .option('--lang <lang>', 'zh, en or auto (word level: jieba for Chinese, wink-nlp for English)', choiceOption('lang', ['zh', 'en', 'auto'] as const), 'auto')
    .option('--seed <n>', 'seed for the initial weights and the batch partitions', intOption('seed', 0), 0)
    .requiredOption('--out <path>', 'model directory to write (config.json, weights-<id>.safetensors), or one model file when the path ends in .safetensors')
    .option('--json', 'print one JSON object on stdout')
    .option('-q, --quiet', 'no progress bar and no per-epoch lines')
    .action((file: string, o: TrainFlags) => trainCommand(file, o, io));

  lm.command('generate')
    .description('continue a prefix with a trained language model')
    .requiredOption('--model <dir>', 'model directory written by `rnnkit lm train`')
    .requiredOption('--prefix <text>', 'text to continue (every character/word must be in the vocabulary)')
    .option('--length <n>', 'tokens (characters or words) to generate', intOption('length'), 100)
    .option('--temperature <x>', 'sampling temperature; 0 = greedy (argmax)', nonNegative('temperature'), 1)
    .option('--top-k <k>', 'sample only among the k most likely tokens', intOption('top-k'))
    .option('--seed <n>', 'seed for sampling', intOption('seed', 0), 0)
    .option('--json', 'print one JSON object on stdout')
    .action((o: GenerateFlags) => generateCommand(o, io));
}

function trainCommand(file: string, o: TrainFlags, io: LmCliIO): void {
  checkModelTarget(o.out, '--out'); // a refusal comes before the training, not after it
  const text = readTextFile(file, 'lm train');
  const t0 = performance.now();
  const corpus = models.buildLmCorpus(text, {
    level: o.level, lang: o.lang, lowercase: o.lowercase === true, minFreq: o.minFreq, maxSize: o.maxVocab,
    maxTokens: o.maxTokens, wordTokenizer: textModule().tokenize,
  });
  const N = corpus.ids.length;
  const nVal = Math.floor(N * o.val);
  const trainIds = corpus.ids.subarray(0, N - nVal);
  const valIds = nVal >= 2 ? corpus.ids.subarray(N - nVal) : undefined;
  if (o.val > 0 && !valIds) throw new CliError(`--val ${o.val} leaves ${nVal} of ${N} tokens for validation; need at least 2`);
  const unit = o.level === 'char' ? 'characters' : 'words';
  if (trainIds.length < o.seqLen + 1) {
    throw new CliError(`${file}: the corpus has ${trainIds.length} ${unit}${nVal ? ' for training' : ''}, shorter than --seq-len ${o.seqLen} + 1`);
  }
  const need = data.minCorpusLength(o.iterator, o.batchSize, o.seqLen);
  if (trainIds.length < need) {
    throw new CliError(`${file}: the corpus has ${trainIds.length} ${unit}${nVal ? ' for training' : ''}; --seq-len ${o.seqLen} with --batch-size ${o.batchSize} needs at least ${need} (lower --batch-size or --seq-len)`);
  }
  const V = corpus.vocab.size;
  const embedDim = o.embed ?? (V <= ONE_HOT_MAX_VOCAB ? 0 : DEFAULT_EMBED);
  const lr = o.lr ?? DEFAULT_LR[o.optimizer];
  // parameters with gradients and optimizer state, and one batch's activations (gates kept for BPTT)
  const params = models.lmParameters(o.model, V, embedDim, o.hidden, o.layers);
  const gates = o.model === 'lstm' ? 4 : o.model === 'gru' ? 3 : 1;
  const activations = o.batchSize * o.seqLen * (o.hidden * o.layers * (gates + 2) + 2 * V) * 4;
  checkMemory(`--model ${o.model} --hidden ${o.hidden} --layers ${o.layers} --embed ${embedDim} with a vocabulary of ${V} (${params} parameters), --batch-size ${o.batchSize} --seq-len ${o.seqLen}`, params * 4 * 4 + activations);
  const gen = new Generator(o.seed);
  const model = new models.RNNLM(V, { cell: o.model, hiddenSize: o.hidden, numLayers: o.layers, embedDim, dropout: o.dropout, generator: gen });

  const show = !o.json && !o.quiet;
  let bar: Progress | null = null;
  const result = (() => {
    try {
      return train.trainLm(model, trainIds, {
        epochs: o.epochs, batchSize: o.batchSize, seqLen: o.seqLen, lr, optimizer: o.optimizer, clip: o.clip,
        iterator: o.iterator, generator: gen, val: valIds,
        onProgress: (e) => {
          bar ??= progressBar('lm train', show);
          bar.onProgress(e);
        },
        onEpoch: (e) => {
          bar?.stop();
          bar = null;
          if (show) {
            const val = e.valPerplexity === null ? '' : `  val ${e.valPerplexity.toFixed(3)}`;
            io.stdout(`epoch ${String(e.epoch).padStart(String(e.epochs).length)}/${e.epochs}  perplexity ${e.perplexity.toFixed(3)}${val}  ${Math.round(e.tokensPerSec)} tok/s\n`);
          }
        },
      });
    } finally {
      (bar as Progress | null)?.stop();
    }
  })();

  const history = result.history.map((e) => ({ epoch: e.epoch, perplexity: r4(e.perplexity), valPerplexity: e.valPerplexity === null ? null : r4(e.valPerplexity), seconds: r4(e.seconds), tokensPerSec: Math.round(e.tokensPerSec) }));
  const hyper = {
    file, level: o.level, lang: corpus.tokenizer.lang, lowercase: o.lowercase === true, cell: o.model, hidden: o.hidden, layers: o.layers, embed: embedDim,
    dropout: o.dropout, seqLen: o.seqLen, batchSize: o.batchSize, epochs: o.epochs, optimizer: o.optimizer, lr, clip: o.clip,
    iterator: o.iterator, val: o.val, minFreq: o.minFreq, maxVocab: o.maxVocab ?? null, maxTokens: o.maxTokens ?? null, seed: o.seed,
  };
  // the perplexity of the weights the model holds: the last epoch's, or after divergence the kept epoch's (0 = initial)
  const final = result.keptEpoch === 0
    ? { perplexity: result.initialPerplexity.train, valPerplexity: result.initialPerplexity.val }
    : result.history[result.keptEpoch - 1]!;
  const outcome = { diverged: result.diverged, divergedAtEpoch: result.divergedAtEpoch, keptEpoch: result.keptEpoch, message: result.message };
  const lm = new models.TextLM(model, corpus.vocab, corpus.tokenizer, {
    training: { ...hyper, tokens: N, trainTokens: trainIds.length, valTokens: nVal, perplexity: r4(final.perplexity), valPerplexity: final.valPerplexity === null ? null : r4(final.valPerplexity), history, seconds: r4(result.seconds), ...outcome },
    wordTokenizer: textModule().tokenize,
  });
  const out = resolve(o.out);
  saveModel(out, { kind: 'language-model', lm }, '--out');
  const seconds = (performance.now() - t0) / 1000;
  if (o.json) {
    io.stdout(JSON.stringify({
      model: out, ...hyper, vocabSize: V, tokens: N, trainTokens: trainIds.length, valTokens: nVal, parameters: model.parameters().reduce((s, p) => s + p.numel(), 0),
      perplexity: r4(final.perplexity), valPerplexity: final.valPerplexity === null ? null : r4(final.valPerplexity), history, seconds: r4(seconds), ...outcome,
    }) + '\n');
  } else {
    if (result.message) io.stdout(`note: ${result.message}\n`);
    io.stdout(`${o.model} ${o.level}-level model, vocabulary ${V}, ${trainIds.length} training ${unit}${nVal ? `, ${nVal} held out` : ''}; ${result.diverged ? `kept ${result.keptEpoch === 0 ? 'the initial weights' : `epoch ${result.keptEpoch}`}, perplexity` : 'final perplexity'} ${final.perplexity.toFixed(3)}${final.valPerplexity === null ? '' : ` (val ${final.valPerplexity.toFixed(3)})`} in ${seconds.toFixed(1)} s\n`);
    io.stdout(`model        ${out}\n`);
  }
}

/** Reads a language-model directory written by `lm train`; every problem is one line. */
export function loadLmDir(dir: string): models.TextLM {
  const saved = loadModel(dir, { source: dir, wordTokenizer: textModule().tokenize });
  if (saved.kind !== 'language-model') throw new CliError(`--model ${dir}: a ${saved.kind} directory, not a language model (use \`rnnkit forecast\`)`);
  return saved.lm;
}

/** Bytes per generated token held until the text is printed (ids, token strings, the joined text). */
const BYTES_PER_GENERATED_TOKEN = 64;

function generateCommand(o: GenerateFlags, io: LmCliIO): void {
  checkMemory(`--length ${o.length}`, o.length * BYTES_PER_GENERATED_TOKEN);
  const lm = loadLmDir(o.model);
  let g: models.TextGeneration;
  try {
    g = lm.generate(o.prefix, { length: o.length, temperature: o.temperature, topK: o.topK, seed: o.seed });
  } catch (e) {
    if (e instanceof models.UnknownTokenError) throw new CliError(`--prefix: ${e.message}`);
    throw e;
  }
  if (o.json) {
    io.stdout(JSON.stringify({
      model: resolve(o.model), prefix: o.prefix, text: g.text, generated: models.lmDetokenize(g.tokens, lm.tokenizer), tokens: g.tokens,
      length: o.length, temperature: o.temperature, topK: o.topK ?? null, seed: o.seed, level: lm.tokenizer.level,
    }) + '\n');
  } else {
    io.stdout(g.text.endsWith('\n') ? g.text : g.text + '\n');
  }
}

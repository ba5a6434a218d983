// `rnnkit lm train` → `rnnkit lm generate`, in process: a fresh commander program per call with
// registerLmCommands on it, stdout/stderr captured. Bad input is one UserError line.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { registerLmCommands } from '../../src/cli/lm.js';
import { FIXTURES } from '../helpers.js';

async function lm(args: string[]): Promise<{ stdout: string; stderr: string; error: Error | null }> {
  let stdout = '', stderr = '';
  const io = { stdout: (s: string) => void (stdout += s), stderr: (s: string) => void (stderr += s) };
  const program = new Command('rnnkit').exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerLmCommands(program, io);
  const override = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync(['lm', ...args], { from: 'user' });
    return { stdout, stderr, error: null };
  } catch (e) {
    return { stdout, stderr, error: e as Error };
  }
}

const tmp = () => mkdtempSync(join(tmpdir(), 'rnnkit-lm-'));
function corpusFile(text: string): string {
  const f = join(tmp(), 'corpus.txt');
  writeFileSync(f, text);
  return f;
}

const TANG = readFileSync(join(FIXTURES, 'text/tang.txt'), 'utf8').split('\n').slice(0, 40).join('\n') + '\n';

describe('rnnkit lm train → generate', () => {
  it('trains a char-level model on Tang poems, saves it, and generates from it (--json)', async () => {
    const dir = tmp();
    const model = join(dir, 'model');
    const r = await lm(['train', corpusFile(TANG), '--model', 'gru', '--hidden', '32', '--embed', '16', '--seq-len', '12', '--batch-size', '8',
      '--epochs', '4', '--optimizer', 'adam', '--lr', '0.01', '--seed', '3', '--out', model, '--json']);
    expect(r.error).toBeNull();
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ level: 'char', lang: 'zh', cell: 'gru', hidden: 32, embed: 16, seqLen: 12, batchSize: 8, epochs: 4, optimizer: 'adam', lr: 0.01 });
    expect(j.tokens).toBe([...TANG].length); // one token per character, '\n' included
    expect(j.history).toHaveLength(4);
    expect(j.history[3].perplexity).toBeLessThan(j.history[0].perplexity);
    expect(j.perplexity).toBe(j.history[3].perplexity);
    const names = readdirSync(model).sort();
    expect(names[0]).toBe('config.json');
    expect(names.slice(1)).toEqual([expect.stringMatching(/^weights-[0-9a-f]{32}\.safetensors$/)]);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    const config = JSON.parse(readFileSync(join(model, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ format: 'rnnkit-model', version: 2, kind: 'language-model', weights: names[1] });
    expect(config.vocab.tokens).toHaveLength(j.vocabSize);
    expect(config.training.history).toEqual(j.history);

    const gen = async (...extra: string[]) => JSON.parse((await lm(['generate', '--model', model, '--prefix', '白日', '--length', '20', '--json', ...extra])).stdout);
    const g = await gen('--temperature', '0.8', '--seed', '5');
    expect(g.text.startsWith('白日')).toBe(true);
    expect(g.tokens).toHaveLength(20);
    expect(g.text).toBe('白日' + g.tokens.join(''));
    expect(await gen('--temperature', '0.8', '--seed', '5')).toEqual(g);
    expect((await gen('--temperature', '0')).text).toBe((await gen('--temperature', '0', '--seed', '99')).text); // greedy ignores the seed
    const top1 = await gen('--top-k', '1', '--seed', '7');
    expect(top1.text).toBe((await gen('--temperature', '0')).text);
  });

  it('prints a perplexity line per epoch without --json, and plain text from generate', async () => {
    const model = join(tmp(), 'm');
    const text = 'abcabcabd abcabc\n'.repeat(30);
    const r = await lm(['train', corpusFile(text), '--hidden', '16', '--seq-len', '6', '--batch-size', '4', '--epochs', '3', '--out', model]);
    expect(r.error).toBeNull();
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 3).map((l) => /^epoch (\d)\/3 {2}perplexity (\d+\.\d{3}) {2}\d+ tok\/s$/.exec(l)?.[1])).toEqual(['1', '2', '3']);
    expect(lines[3]).toMatch(/^rnn char-level model, vocabulary 7, 510 training characters; final perplexity \d+\.\d{3} in \d+\.\d s$/);
    const g = await lm(['generate', '--model', model, '--prefix', 'ab', '--length', '10', '--temperature', '0']);
    expect(g.error).toBeNull();
    expect(g.stdout).toMatch(/^ab[abcd \n]{10}\n?$/);
  });

  it('word level on English with a held-out split', async () => {
    const brown = readFileSync(join(FIXTURES, 'text/brown-news.txt'), 'utf8').split('\n').slice(0, 60).join('\n');
    const model = join(tmp(), 'w');
    const r = await lm(['train', corpusFile(brown), '--level', 'word', '--lowercase', '--model', 'lstm', '--hidden', '16', '--embed', '8', '--max-vocab', '200',
      '--seq-len', '10', '--batch-size', '8', '--epochs', '2', '--optimizer', 'adam', '--val', '0.1', '--out', model, '--json']);
    expect(r.error).toBeNull();
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ level: 'word', lang: 'en', cell: 'lstm', vocabSize: 200 });
    expect(j.valTokens).toBe(Math.floor(j.tokens * 0.1));
    expect(j.history[1].valPerplexity).toBeGreaterThan(1);
    const g = JSON.parse((await lm(['generate', '--model', model, '--prefix', 'the jury said', '--length', '5', '--json'])).stdout);
    expect(g.tokens).toHaveLength(5);
    expect(g.text).toBe(['the', 'jury', 'said', ...g.tokens].join(' ').replace(/ ?\n ?/g, '\n'));
  });
});

describe('rnnkit lm errors', () => {
  const expectCliError = (r: { error: Error | null }, re: RegExp) => {
    expect(r.error).toBeInstanceOf(UserError);
    expect(r.error!.message).toMatch(re);
    expect(r.error!.message).not.toContain('\n');
  };

  it('an empty corpus, a corpus shorter than seq-len, or too short for a batch', async () => {
    const out = join(tmp(), 'never');
    expectCliError(await lm(['train', corpusFile('  \n\n'), '--out', out]), /corpus.txt is empty/);
    expectCliError(await lm(['train', corpusFile('short text'), '--seq-len', '35', '--out', out]), /the corpus has 10 characters, shorter than --seq-len 35 \+ 1/);
    expectCliError(await lm(['train', corpusFile('x'.repeat(200)), '--seq-len', '10', '--batch-size', '32', '--out', out]),
      /the corpus has 200 characters; --seq-len 10 with --batch-size 32 needs at least 331 \(lower --batch-size or --seq-len\)/);
    expectCliError(await lm(['train', join(tmp(), 'missing.txt'), '--out', out]), /cannot read .*missing.txt: no such file/);
    expect(existsSync(out)).toBe(false);
  });

  it('bad option values', async () => {
    const f = corpusFile('abc\n'.repeat(100));
    const out = join(tmp(), 'never');
    expectCliError(await lm(['train', f, '--hidden', '0', '--out', out]), /--hidden must be an integer ≥ 1, got '0'/);
    expectCliError(await lm(['train', f, '--level', 'byte', '--out', out]), /--level must be one of char, word; got 'byte'/);
    expectCliError(await lm(['train', f, '--model', 'transformer', '--out', out]), /--model must be one of rnn, lstm, gru/);
    expectCliError(await lm(['train', f, '--lr', '-1', '--out', out]), /--lr must be a positive number/);
    expectCliError(await lm(['train', f, '--val', '0.7', '--out', out]), /--val must be a number ≥ 0 and < 0.5, got '0.7'/);
    expectCliError(await lm(['train', f, '--lang', 'fr', '--out', out]), /--lang must be one of zh, en, auto/);
  });

  it('generate: unknown prefix characters are named; missing model directory; bad temperature', async () => {
    const model = join(tmp(), 'm');
    expect((await lm(['train', corpusFile('abcabd\n'.repeat(40)), '--hidden', '8', '--seq-len', '5', '--batch-size', '2', '--epochs', '1', '--out', model, '--json'])).error).toBeNull();
    expectCliError(await lm(['generate', '--model', model, '--prefix', 'abxyx', '--length', '3']), /--prefix: the prefix has 2 characters not in the model's vocabulary of 6: "x", "y"/);
    expectCliError(await lm(['generate', '--model', join(tmp(), 'nope'), '--prefix', 'a']), /nope: no such model directory/);
    expectCliError(await lm(['generate', '--model', model, '--prefix', 'a', '--temperature', '-0.5']), /--temperature must be a number ≥ 0/);
    expectCliError(await lm(['generate', '--model', model, '--prefix', 'a', '--top-k', '0']), /--top-k must be an integer ≥ 1/);
    writeFileSync(join(model, 'config.json'), '{ broken');
    expectCliError(await lm(['generate', '--model', model, '--prefix', 'a']), /config.json: not valid JSON/);
  });
});

import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { UserError } from '../../src/errors.js';
import { describe, expect, it } from 'vitest';
import { registerTextCommands } from '../../src/cli/text.js';
import { CliError } from '../../src/cli/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-text-'));
function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}
const fixture = (name: string) => new URL(`../fixtures/text/${name}`, import.meta.url).pathname;

async function run(...args: string[]): Promise<string> {
  let stdout = '';
  const program = new Command('rnnkit').exitOverride().configureOutput({ writeOut: (s) => (stdout += s), writeErr: () => {} });
  registerTextCommands(program, { stdout: (s) => (stdout += s), stderr: () => {}, progress: false });
  await program.parseAsync(args, { from: 'user' });
  return stdout;
}
async function fails(...args: string[]): Promise<CliError> {
  try {
    await run(...args);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).not.toContain('\n');
    return e as CliError;
  }
  throw new Error(`expected rnnkit ${args.join(' ')} to fail`);
}

const mixed = file('mixed.txt', '南京市长江大桥\n他说的确实在理\nThe geese weren\'t flying.\n\nthe the cat\n');

describe('rnnkit text', () => {
  it('tokenize --json prints one token list per input line', async () => {
    expect(JSON.parse(await run('text', 'tokenize', mixed, '--json'))).toEqual({
      tokens: [['南京市', '长江大桥'], ['他', '说', '的', '确实', '在理'], ['The', 'geese', 'were', "n't", 'flying', '.'], [], ['the', 'the', 'cat']],
    });
    expect(await run('text', 'tokenize', mixed, '--lang', 'en', '--lemmatize', '--no-punctuation', '--stopwords'))
      .toContain('goose not fly');
    expect((await run('text', 'tokenize', mixed, '--stemmer', 'porter2')).split('\n')[2]).toBe("the gees were n't fli .");
  });
  it('vocab --json prints tokens and counts in id order, with the filters', async () => {
    const v = JSON.parse(await run('text', 'vocab', mixed, '--json', '--lowercase', '--no-punctuation'));
    // 'the' ×3, then twelve tokens seen once, in code-point order (ASCII before Han)
    expect(v.tokens).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', 'the', 'cat', 'flying', 'geese', "n't", 'were', '他', '南京市', '在理', '的', '确实', '说', '长江大桥']);
    expect(v.counts).toEqual([0, 0, 0, 0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const f = JSON.parse(await run('text', 'vocab', mixed, '--json', '--lowercase', '--min-freq', '2', '--no-specials'));
    expect(f).toEqual({ tokens: ['the'], counts: [3] });
    const out = join(dir, 'v.json');
    expect(await run('text', 'vocab', mixed, '--max-size', '5', '--lowercase', '--out', out)).toBe('0\t<pad>\t0\n1\t<unk>\t0\n2\t<bos>\t0\n3\t<eos>\t0\n4\tthe\t3\n');
    expect(JSON.parse(readFileSync(out, 'utf8')).tokens).toHaveLength(5);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
  it('bow with a saved vocabulary, sparse and dense', async () => {
    const v = join(dir, 'v2.json');
    const docs = file('docs.txt', 'a b a\nb c\n');
    await run('text', 'vocab', docs, '--no-specials', '--out', v);
    expect(await run('text', 'bow', docs, '--vocab', v)).toBe('0:2 1:1\n1:1 2:1\n'); // ids: a (2), b (2, tie broken by token), c (1)
    expect(JSON.parse(await run('text', 'bow', docs, '--vocab', v, '--json', '--dense', '--binary'))).toEqual({ vocab: ['a', 'b', 'c'], matrix: [[1, 1, 0], [0, 1, 1]] });
  });
  it('ngrams and tfidf', async () => {
    const docs = file('ng.txt', 'a b a b\nb a\n');
    expect(JSON.parse(await run('text', 'ngrams', docs, '--json'))).toEqual({ ngrams: ['a b', 'b a'], counts: [2, 2] });
    expect(await run('text', 'ngrams', docs, '-n', '1-2', '--top', '1')).toBe('3\ta\n'); // a and b both 3; ties by text
    expect(JSON.parse(await run('text', 'ngrams', file('c.txt', '春眠不覺曉\n'), '--char', '--json', '-n', '2')).counts).toEqual([1, 1, 1, 1]);
    const t = JSON.parse(await run('text', 'tfidf', file('tf.txt', 'a b\na\n'), '--json'));
    expect(t.vocabulary).toEqual(['a', 'b']);
    expect(t.idf[1]).toBeCloseTo(Math.log(1.5) + 1, 12);
    expect(t.rows[1]).toEqual({ indices: [0], values: [1] });
    expect(await run('text', 'tfidf', file('tf2.txt', 'a b\na\n'), '--top', '1')).toBe('b:0.8148\na:1.0000\n'); // 1.405465 / hypot(1, 1.405465)
  });
  it('clean', async () => {
    expect(await run('text', 'clean', file('h.txt', '<b>Ｈｉ</b> me@x.org 😀 ok\n'))).toBe('Hi ok\n');
    expect(JSON.parse(await run('text', 'clean', file('h2.txt', 'A1 B2!\n'), '--digits', '--punctuation', '--lowercase', '--json'))).toEqual({ lines: ['a b'] });
  });
  it('one-line errors with exit code 2 for bad input', async () => {
    expect((await fails('text', 'tokenize', file('empty.txt', ' \n\n'))).message).toBe(`text tokenize: ${dir}/empty.txt is empty`);
    expect((await fails('text', 'vocab', file('bin.dat', Buffer.from([0x61, 0x00, 0x62])))).message).toContain('looks binary (NUL byte at offset 1)');
    expect((await fails('text', 'tokenize', file('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])))).message).toContain('is not valid UTF-8 (byte offset 3)');
    expect((await fails('text', 'tokenize', mixed, '--lang', 'fr')).message).toBe("unknown language 'fr' (expected zh, en or auto)");
    expect((await fails('text', 'tokenize', join(dir, 'missing.txt'))).message).toContain('no such file');
    expect((await fails('text', 'vocab', mixed, '--min-freq', 'x')).message).toBe("--min-freq must be an integer ≥ 1, got 'x'");
    expect((await fails('text', 'vocab', mixed, '--max-doc-freq', '2')).message).toBe("--max-doc-freq must be a fraction in (0, 1], got '2'");
    expect((await fails('text', 'tfidf', mixed, '--norm', 'l3')).message).toBe("--norm: unknown value 'l3' (expected l2, l1, none)");
  });
  it('--help lists the commands', async () => {
    let help = '';
    const program = new Command('rnnkit').exitOverride().configureOutput({ writeOut: (s) => (help += s), writeErr: () => {} });
    registerTextCommands(program, { stdout: () => {}, stderr: () => {} });
    await expect(program.parseAsync(['text', '--help'], { from: 'user' })).rejects.toThrow();
    for (const c of ['clean', 'tokenize', 'vocab', 'bow', 'ngrams', 'tfidf']) expect(help).toContain(c);
  });
});

describe('rnnkit embed', () => {
  it('train writes word2vec text atomically; similar and analogy query it', async () => {
    const out = join(dir, 'vec.txt');
    const s = JSON.parse(await run('embed', 'train', fixture('brown-news.txt'), '--method', 'cbow', '--dim', '20', '--epochs', '3',
      '--pretokenized', '--out', out, '--json'));
    expect(s).toMatchObject({ method: 'cbow', dim: 20, out });
    expect(s.vocabSize).toBeGreaterThan(2000);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe(`${s.vocabSize} 20`);
    const sim = JSON.parse(await run('embed', 'similar', out, 'monday', '--json', '-k', '3'));
    expect(sim.word).toBe('monday');
    expect(sim.neighbours).toHaveLength(3);
    expect(sim.neighbours[0].similarity).toBeGreaterThanOrEqual(sim.neighbours[2].similarity);
    expect((await run('embed', 'similar', out, 'monday', '-k', '2')).trim().split('\n')).toHaveLength(2);
    expect(JSON.parse(await run('embed', 'analogy', out, 'he', 'his', 'she', '--json')).answers).toHaveLength(5);
    expect((await fails('embed', 'similar', out, 'qwertyuiop')).message).toBe(`embed similar: 'qwertyuiop' is not in ${out} (${s.vocabSize} words)`);
  });
  it('glove from the CLI and option errors', async () => {
    const out = join(dir, 'glove.txt');
    const s = JSON.parse(await run('embed', 'train', fixture('tang.txt'), '--method', 'glove', '--mode', 'char', '--dim', '8', '--epochs', '2', '--out', out, '--json'));
    expect(s).toMatchObject({ method: 'glove', dim: 8 });
    expect(s.vocabSize).toBeGreaterThan(1000);
    expect((await fails('embed', 'train', mixed, '--method', 'bert', '--out', out)).message).toBe("--method: unknown value 'bert' (expected skipgram, cbow, glove)");
    expect((await fails('embed', 'train', mixed, '--dim', '0', '--out', out)).message).toBe("--dim must be an integer ≥ 1, got '0'");
    // the vectors file exists now: it is not overwritten unasked, and --force replaces it
    expect((await fails('embed', 'train', mixed, '--out', out)).message).toBe(`--out ${out}: the file exists and rnnkit did not write it; refusing to overwrite it (add --force to replace it)`);
    expect((await fails('embed', 'train', mixed, '--out', mixed)).message).toBe(`--out ${mixed}: refusing to overwrite an input file of this command`);
    expect((await fails('embed', 'train', mixed, '--out', out, '--force')).message).toContain('occur at least minCount=5 times');
    expect((await fails('embed', 'similar', file('bad.vec', '2 3\na 1 2 3\n'), 'a')).message).toContain('header says 2 words but the file has 1');
  });
});

// The README.md of a PyTorch export: what each file is and how to run the model, for its kind.
import type { SavedModel } from '../../io/model-dir.js';

interface ReadmeOptions {
  weights: boolean;
  trainable: boolean;
  data: Record<string, unknown> | null;
}

function usage(saved: SavedModel): string {
  if (saved.kind === 'forecaster') {
    const multi = saved.inputs.length > 1;
    const call = multi
      ? `model.forecast({${saved.inputs.map((c) => JSON.stringify(c) + ': [...]').join(', ')}}, steps=12)`
      : 'model.forecast(values, steps=12)   # values: the observed target, oldest first';
    return [
      '```python',
      'import sys; sys.path.insert(0, "path/to/this/folder")',
      'import model',
      `net = model.build()          # ${saved.model.name === 'ar' ? 'the AR model as a float64 nn.Linear of the last p values' : ['persistence', 'seasonal-naive', 'drift'].includes(saved.model.name) ? 'None: a baseline has no parameters' : 'the nn.Module with the weights loaded (eval mode)'}`,
      `pred = ${call}`,
      '```',
      '',
      `\`forecast\` repeats \`rnnkit forecast\`: the target's transforms (${(saved.transforms ?? []).map((t) => t.kind).join(', ') || 'none'}) and`,
      'the scalers fitted in training, the network in float32, then the scaler and the transforms inverted.',
      `Give it the same columns \`rnnkit forecast\` reads (${saved.inputs.join(', ')}), with no missing values`,
      '(rnnkit repeats the training\'s --fill; model.py does not). Quantile levels are not exported: `forecast` returns the point forecast.',
    ].join('\n');
  }
  if (saved.kind === 'language-model') {
    const word = saved.lm.tokenizer.level === 'word';
    return [
      '```python',
      'import model',
      'g = model.generate("prefix text", 100, temperature=0)       # greedy: rnnkit lm generate --temperature 0',
      'g = model.generate("prefix text", 100, temperature=0.8, seed=1)  # the same draws as --seed 1',
      'print(g.text, g.tokens)',
      '```',
      '',
      'Every prefix token must be in the vocabulary (config.json "vocab"; id = position).',
      ...(word ? ['This is a word-level model: rnnkit splits words with wink-nlp (English) or jieba (Chinese), which model.py',
        'does not have; it splits a string at spaces, so pass a list of tokens when the prefix has punctuation.'] : []),
    ].join('\n');
  }
  const a = saved.model.arch;
  return [
    '```python',
    'import model',
    `p = model.predict(x, lengths)   # x: ${a.embedding ? '[B,T] token ids' : `[B,T,${a.inputSize}] features`}, zero-padded; lengths: real steps per sample`,
    'p.classes, p.probabilities, p.logits',
    '```',
    '',
    `Class names, index = class id: ${saved.classes.slice(0, 20).map((c) => JSON.stringify(c)).join(', ')}${saved.classes.length > 20 ? ', …' : ''}.`,
    'Sequences run packed by their lengths, as in rnnkit, so padding never reaches the result.',
  ].join('\n');
}

export function exportReadme(saved: SavedModel, description: string, o: ReadmeOptions): string {
  const files = [
    '- `model.py`: plain `torch.nn` code (needs only torch; it reads model.safetensors itself when the `safetensors` package is absent).',
    ...(o.weights ? ['- `model.safetensors`: the weights, under PyTorch\'s parameter names (the same names rnnkit uses).'] : []),
    '- `config.json`: sizes and everything else model.py needs; `"format": "rnnkit-pytorch-export"` marks the folder as rnnkit\'s.',
    ...(o.trainable ? ['- `train_ddp.py`: continues training these weights with `torchrun` and DistributedDataParallel.'] : []),
    ...(o.data ? ['- `data/`: the training data, converted by `rnnkit export --data` (see below).'] : []),
  ];
  const train = !o.trainable ? [] : [
    '## Continue training',
    '',
    o.data
      ? `data/ holds ${String(o.data.description)}.`
      : 'This export has no data/: run `rnnkit export` again with `--data FILE` (the file you trained on, in the format rnnkit read it) to add it.',
    '',
    '```sh',
    'torchrun --nproc_per_node=2 --master_addr 127.0.0.1 --master_port 29500 train_ddp.py --steps 100 --save trained.safetensors',
    '```',
    '',
    'With torch 1.13 under Python 3.11, torchrun fails with `\'NoneType\' object has no attribute \'get\'` (it cannot parse its',
    'default `--redirects 0 --tee 0`): add `--redirects 1 --tee 1`.',
    '',
    'Each process takes its share of every batch (DistributedSampler); gradients are averaged by DDP (gloo on the CPU;',
    '`--backend nccl` for one GPU per process). Adam, `--lr` 1e-3, the loss rnnkit trained with (averaged). Rank 0',
    'prints the loss over the data before and after and writes the weights, under the same names, to `--save`; copy',
    'that file over model.safetensors to use them through model.py.',
    '',
  ];
  return [
    `# ${description}`,
    '',
    'Exported by `rnnkit export --format pytorch`.',
    '',
    '## Files',
    '',
    ...files,
    '',
    '## Use',
    '',
    usage(saved),
    '',
    ...train,
    'Checked against rnnkit: tools/reference/pytorch_handoff.py in the rnnkit repository runs exports like this one under PyTorch',
    'and compares their outputs with rnnkit\'s (docs/pytorch-handoff.md).',
    '',
  ].join('\n');
}

import { describe, expect, it } from 'vitest';
import { clean } from '../../src/text/clean.js';
import { tokenize } from '../../src/text/tokenize.js';
import { segmentChinese } from '../../src/text/segment.js';
import { lemmatize } from '../../src/text/english.js';
import { removeStopwords, stopwordList } from '../../src/text/stopwords.js';
import { stem, stemTokens } from '../../src/text/stem.js';

describe('clean', () => {
  it('applies NFKC, strips HTML, URLs, e-mails, emoji and control characters by default', () => {
    const raw = '<p>Ｈｅｌｌｏ，ＷＯＲＬＤ！１２３</p> visit https://example.com/a?b=1 or www.x.cn/p mail me@x.org 😀👍🏽 ok\u200b\u0007  end &amp; &#x4E2D;';
    expect(clean(raw)).toBe('Hello,WORLD!123 visit or mail ok end & 中');
  });
  it('removes <script>/<style> bodies and comments, not just tags', () => {
    expect(clean('a<script>var x = "<b>";</script>b<!-- c -->d<style>.x{}</style>e')).toBe('a b d e');
  });
  it('digits, punctuation and lowercase are off by default and switchable', () => {
    expect(clean('Price: $3.50, 42 items!')).toBe('Price: $3.50, 42 items!');
    expect(clean('Price: $3.50, 42 items!', { digits: true, punctuation: true, lowercase: true })).toBe('price items');
  });
  it('each default rule can be switched off', () => {
    const raw = 'Ａ <b>x</b> http://a.io me@x.org 😀';
    expect(clean(raw, { nfkc: false, html: false, urls: false, emails: false, emoji: false })).toBe(raw);
    expect(clean(' a \n\t b ', { whitespace: false })).toBe(' a \n\t b ');
  });
  it('applies user regex rules in order, with a default replacement of one space', () => {
    expect(clean('call 555-1234 now, ref #A12', { rules: [{ pattern: /\d{3}-\d{4}/, replacement: '<phone>' }, { pattern: '#\\w+' }] }))
      .toBe('call <phone> now, ref');
  });
  it('keeps Chinese punctuation that NFKC does not map, maps full-width forms', () => {
    expect(clean('你好，世界。（测试）')).toBe('你好,世界。(测试)');
  });
});

describe('tokenize: English (wink-nlp)', () => {
  const s = "The U.S. children's geese weren't flying; they'd e-mail test@example.com 3.5 times, state-of-the-art!";
  it('splits contractions, keeps abbreviations, e-mails, numbers and hyphenated words', () => {
    expect(tokenize(s, { lang: 'en' })).toEqual([
      'The', 'U.S.', 'children', "'s", 'geese', 'were', "n't", 'flying', ';', 'they', "'d", 'e-mail',
      'test@example.com', '3.5', 'times', ',', 'state-of-the-art', '!',
    ]);
  });
  it('re-joins contractions, splits hyphens, drops punctuation, lower-cases on request', () => {
    expect(tokenize("The U.S. children's geese weren't flying; they'd e-mail 3.5 times, state-of-the-art!", {
      contractions: 'keep', hyphens: 'split', punctuation: false, lowercase: true,
    })).toEqual(['the', 'u.s.', "children's", 'geese', "weren't", 'flying', "they'd", 'e', 'mail', '3.5', 'times', 'state', 'of', 'the', 'art']);
  });
  it('emits context-aware lemmas', () => {
    expect(tokenize("The geese weren't flying; they'd studied", { lemma: true }))
      .toEqual(['the', 'goose', 'be', 'not', 'fly', ';', 'they', 'would', 'study']);
  });
  it('character mode drops whitespace and handles astral code points', () => {
    expect(tokenize('ab c𠀀', { mode: 'char' })).toEqual(['a', 'b', 'c', '𠀀']);
  });
  it('rejects an unknown language or mode with a clear error', () => {
    expect(() => tokenize('x', { lang: 'fr' as never })).toThrow("tokenize: unknown language 'fr' (expected zh, en or auto)");
    expect(() => tokenize('x', { mode: 'bpe' as never })).toThrow("unknown mode 'bpe'");
  });
});

describe('tokenize: Chinese segmentation gold set', () => {
  const gold: [string, string[]][] = [
    ['南京市长江大桥', ['南京市', '长江大桥']],
    ['他说的确实在理', ['他', '说', '的', '确实', '在理']],
    ['我来到北京清华大学', ['我', '来到', '北京', '清华大学']],
    ['循环神经网络模型由此具备了记忆能力', ['循环', '神经网络', '模型', '由此', '具备', '了', '记忆', '能力']],
    ['中文文本需要用分词算法来完成分词', ['中文', '文本', '需要', '用', '分词', '算法', '来', '完成', '分词']],
  ];
  for (const [text, words] of gold) {
    it(`jieba: ${text} → ${words.join('/')}`, () => {
      expect(tokenize(text)).toEqual(words);
      expect(tokenize(text, { lang: 'zh' })).toEqual(words);
    });
  }
  it('Intl.Segmenter is the finer-grained zero-dependency option (ICU dictionary)', () => {
    expect(tokenize('南京市长江大桥', { segmenter: 'intl' })).toEqual(['南京市', '长江', '大', '桥']);
    expect(tokenize('我来到北京清华大学', { segmenter: 'intl' })).toEqual(['我', '来到', '北京', '清华大学']);
  });
  it('a user dictionary overrides both segmenters', () => {
    expect(tokenize('他说的确实在理', { userDict: ['的确'] })).toEqual(['他', '说', '的确', '实在', '理']);
    expect(tokenize('南京市长江大桥', { segmenter: 'intl', userDict: ['长江大桥'] })).toEqual(['南京市', '长江大桥']);
    expect(tokenize('I love New York style', { userDict: ['New York'] })).toEqual(['I', 'love', 'New York', 'style']);
  });
  it('mixed Chinese/English text: Han runs are segmented, the rest goes to the English tokenizer', () => {
    expect(tokenize("他说RNN模型doesn't work，但是LSTM可以。")).toEqual(['他', '说', 'RNN', '模型', 'does', "n't", 'work', '，', '但是', 'LSTM', '可以', '。']);
    expect(tokenize('你好 world', { lang: 'en' })).not.toContain('world!');
  });
  it('segments traditional-character Tang poetry and drops punctuation on request', () => {
    expect(tokenize('秦川雄帝宅，函谷壯皇居。', { punctuation: false }).join('')).toBe('秦川雄帝宅函谷壯皇居');
  });
  it('segmentChinese validates the segmenter name', () => {
    expect(() => segmentChinese('你好', 'thulac' as never)).toThrow("unknown segmenter 'thulac'");
  });
});

describe('stop words, stems, lemmas', () => {
  it('removes English (case-insensitively) and Chinese stop words, plus user words', () => {
    expect(removeStopwords(['The', 'cat', 'is', 'on', 'the', 'mat', '我', '的', '猫'])).toEqual(['cat', 'mat', '猫']);
    expect(removeStopwords(['The', 'cat', '的'], { lang: 'en' })).toEqual(['cat', '的']);
    expect(removeStopwords(['The', 'cat', '的'], { lang: 'zh' })).toEqual(['The', 'cat']);
    expect(removeStopwords(['rnn', 'is', 'fun'], { lang: 'none', extra: ['FUN'] })).toEqual(['rnn', 'is']);
    expect(stopwordList('en')).toHaveLength(108);
    expect(stopwordList('zh')).toHaveLength(78);
  });
  it('Porter stems (Porter 1980 examples) and Porter2 differences', () => {
    const porter: Record<string, string> = {
      caresses: 'caress', ponies: 'poni', relational: 'relat', conditional: 'condit', generalization: 'gener',
      studies: 'studi', flying: 'fly', happily: 'happili', hopping: 'hop', Running: 'run',
    };
    for (const [w, s] of Object.entries(porter)) expect(stem(w)).toBe(s);
    expect(stemTokens(['generalization', 'flying', "children's"], { algorithm: 'porter2' })).toEqual(['general', 'fli', 'children']);
    expect(stem('神经网络')).toBe('神经网络');
    expect(() => stem('x', { algorithm: 'lancaster' as never })).toThrow("unknown algorithm 'lancaster'");
  });
  it('lemmatizes known irregular forms', () => {
    expect(lemmatize(['the', 'geese', 'were', 'flying', 'studies'])).toEqual(['the', 'goose', 'be', 'fly', 'study']);
    expect(lemmatize(['children', 'mice', 'better'])).toEqual(['child', 'mouse', 'good']);
    expect(lemmatize([])).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { trainWord2Vec } from './src/text/word2vec.js';
const en = readFileSync('test/fixtures/text/brown-news.txt', 'utf8').split('\n').filter(Boolean).map((l) => l.toLowerCase().split(' '));
const zh = readFileSync('test/fixtures/text/tang.txt', 'utf8').split('\n').filter(Boolean).map((l) => Array.from(l.replace(/[，。？！、：；]/g, '')));
const enPairs = [['monday','tuesday'],['friday','saturday'],['two','three'],['four','five'],['he','she'],['mr.','mrs.'],['january','february'],['his','her']];
const enBad = [['monday','jury'],['two','church'],['he','budget'],['friday','money'],['three','president'],['mr.','yesterday'],['january','game'],['his','million']];
const zhPairs = [['山','水'],['春','秋'],['風','雨'],['東','西'],['南','北'],['日','月'],['天','地'],['花','草']];
const zhBad = [['山','酒'],['春','君'],['風','思'],['東','心'],['南','客'],['日','何'],['天','衣'],['花','書']];
function rep(name: string, wv: any, good: string[][], bad: string[][], secs: number) {
  const g = good.map(([a,b]) => wv.similarity(a,b)); const b = bad.map(([a,c]) => wv.similarity(a,c));
  const mg = g.reduce((x,y)=>x+y)/g.length, mb = b.reduce((x,y)=>x+y)/b.length;
  const wins = good.filter((_, i) => g[i] > b[i]).length;
  console.log(name, secs.toFixed(2)+'s', 'good', mg.toFixed(3), 'bad', mb.toFixed(3), 'wins', wins, g.map(x=>x.toFixed(2)).join(' '), '|', b.map(x=>x.toFixed(2)).join(' '));
}
const cfgs = JSON.parse(process.argv[2]);
for (const cfg of cfgs) for (const [name, sents, good, bad] of [['en', en, enPairs, enBad], ['zh', zh, zhPairs, zhBad]] as const) {
    const r = trainWord2Vec(sents as string[][], { seed: 1, minCount: 5, ...cfg });
    rep(name+' '+JSON.stringify(cfg), r.vectors, good as any, bad as any, r.seconds);
}

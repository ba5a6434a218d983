// Ambient types for the two dependencies that ship none (stopword@3, wink-porter2-stemmer@2).
declare module 'stopword' {
  export const eng: string[];
  export const zho: string[];
}
declare module 'wink-porter2-stemmer' {
  const stem: (word: string) => string;
  export default stem;
}

// tinyld ships its types under `exports` only, which this project's `node10` module resolution does
// not read; these are the two functions used, as its dist/tinyld.normal.node.d.ts declares them.
declare module 'tinyld' {
  export function detect(text: string, opts?: { only?: string[]; verbose?: boolean }): string;
  export function detectAll(
    text: string,
    opts?: { only?: string[]; verbose?: boolean },
  ): Array<{ lang: string; accuracy: number }>;
}

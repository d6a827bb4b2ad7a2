import { RecipeError } from '../util/errors';

/**
 * The recipe's text form carries its overrides the way the command line does: the steps, then
 * ` --override '<nodes>=<method>[:options]'` per override, single-quoted as a POSIX shell reads
 * it (a quote inside is written '\''), so the studio's "same on the command line" text runs as
 * shown and reads back into the same recipe.
 */
const FLAG = /\s--override(?:\s+|=)/;

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Undoes shellQuote (and plain single or double quotes around a word). */
function shellUnquote(word: string): string {
  let out = '';
  let i = 0;
  while (i < word.length) {
    const ch = word[i]!;
    if (ch === "'" || ch === '"') {
      const end = word.indexOf(ch, i + 1);
      if (end < 0) throw new RecipeError(`Unclosed ${ch} in the override ${word}; expected --override '<nodes>=<method>'.`);
      out += word.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '\\' && i + 1 < word.length) {
      out += word[i + 1];
      i += 2;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** A recipe text split into its steps text and its override texts (unquoted). */
export function splitOverrideArgs(spec: string): [string, string[]] {
  const parts = spec.split(FLAG);
  return [parts[0]!, parts.slice(1).map((p) => shellUnquote(p.trim()))];
}

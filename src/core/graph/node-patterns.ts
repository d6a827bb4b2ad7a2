import { RecipeError } from '../util/errors';

/**
 * Node-name patterns, as excludeNodes and recipe overrides take them: an exact name, a glob
 * (`*` any run of characters, `?` one character, matched against the whole name) or a regular
 * expression written `/body/flags` (searched anywhere in the name unless anchored). A name that
 * looks like a regex (PyTorch exports names like `/encoder/MatMul`) still matches itself exactly.
 */
export type NodeMatcher = (name: string) => boolean;

/** The option help shared by every method's excludeNodes. */
export const NODE_PATTERN_HELP = 'exact names, globs (conv_*, block?.fc) or /regular expressions/.';

/** `/body/flags`; flags limited to those that change what a name test means. */
const REGEX_FORM = /^\/(.+)\/([imsuv]*)$/s;

function globToRegExp(glob: string): RegExp {
  let body = '';
  for (const ch of glob) {
    if (ch === '*') body += '.*';
    else if (ch === '?') body += '.';
    else body += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${body}$`, 's');
}

/** One pattern as a predicate; a malformed `/regex/` is a RecipeError naming `where`. */
export function compileNodePattern(pattern: string, where = 'Node pattern'): NodeMatcher {
  const re = REGEX_FORM.exec(pattern);
  if (re) {
    const [, body, flags] = re;
    let compiled: RegExp;
    try {
      compiled = new RegExp(body!, flags);
    } catch (e) {
      throw new RecipeError(`${where}: '${pattern}' is not a valid regular expression (${(e as Error).message}); expected an exact name, a glob with * and ?, or /regex/flags.`);
    }
    return (name) => name === pattern || compiled.test(name);
  }
  if (pattern.includes('*') || pattern.includes('?')) {
    const compiled = globToRegExp(pattern);
    return (name) => compiled.test(name);
  }
  return (name) => name === pattern;
}

/** True for names matched by any of the patterns (none matches nothing). */
export function compileNodePatterns(patterns: readonly string[], where = 'excludeNodes'): NodeMatcher {
  const exact = new Set<string>();
  const others: NodeMatcher[] = [];
  for (const p of patterns) {
    if (REGEX_FORM.test(p) || p.includes('*') || p.includes('?')) others.push(compileNodePattern(p, where));
    else exact.add(p);
  }
  if (others.length === 0) return (name) => exact.has(name);
  return (name) => exact.has(name) || others.some((m) => m(name));
}

/**
 * The nodes a method may change: not matched by its excludeNodes patterns and, when a recipe
 * gives the step a scope (per-layer overrides), inside it.
 */
export function changeableNodes(excludeNodes: readonly string[], scope?: NodeMatcher): NodeMatcher {
  const excluded = compileNodePatterns(excludeNodes);
  return scope ? (name) => scope(name) && !excluded(name) : (name) => !excluded(name);
}

/**
 * Splits text on `sep` except inside `/regex/` literals (one starts with a '/' at the start of the
 * text or right after '=', '|', ',' or '+'; a backslash escapes the next character), so a regex
 * may hold '+', ',', '|' and '='.
 */
export function splitOutsideRegex(text: string, sep: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inRegex = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inRegex) {
      if (ch === '\\') i++;
      else if (ch === '/') inRegex = false;
      continue;
    }
    const prev = i === 0 ? '' : text[i - 1]!;
    if (ch === '/' && (i === start || '=|,+'.includes(prev) || prev.trim() === '')) inRegex = true;
    else if (ch === sep) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** Index of the first `ch` outside `/regex/` literals, or -1. */
export function indexOutsideRegex(text: string, ch: string): number {
  const parts = splitOutsideRegex(text, ch);
  return parts.length === 1 ? -1 : parts[0]!.length;
}

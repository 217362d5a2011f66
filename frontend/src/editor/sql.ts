// Which variables a chart's SQL binds (`:NAME`), read roughly as the server reads it: a colon
// inside a string literal, a quoted identifier or a comment, or a `::` cast, is no bind. Only
// used to choose which test values the preview asks for; the server decides what runs.

const SKIPPED = /'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|--[^\n]*|\/\*[\s\S]*?\*\//g;
// No lookbehind (Safari 15): the character before the colon is matched instead.
const BIND = /(^|[^\w:\\]):([A-Za-z_][A-Za-z0-9_]*)/g;

/** The names bound in `sql`, in order of first use. */
export function usedVariables(sql: string): string[] {
  const code = sql.replace(SKIPPED, " ");
  const names: string[] = [];
  for (const match of code.matchAll(BIND)) if (!names.includes(match[2])) names.push(match[2]);
  return names;
}

// Chart colours come from the page's CSS variables, so the light/dark themes and a
// dashboard's `theme:` colours (e.g. --dashlet-accent) reach the canvas too.

export interface ChartTheme {
  text: string;
  muted: string;
  border: string;
  card: string;
  palette: string[];
  animate: boolean;
}

const SERIES_COLOURS = 8;

export function readTheme(root: HTMLElement = document.documentElement): ChartTheme {
  const style = getComputedStyle(root);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const palette: string[] = [];
  for (let i = 1; i <= SERIES_COLOURS; i++) {
    const colour = read(`--dashlet-series-${i}`, "");
    if (colour) palette.push(colour);
  }
  return {
    text: read("--dashlet-text", "#1d2430"),
    muted: read("--dashlet-muted", "#5b6576"),
    border: read("--dashlet-border", "#e2e6ec"),
    card: read("--dashlet-card", "#ffffff"),
    palette: palette.length > 0 ? palette : ["#3b6fd8"],
    animate: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
  };
}

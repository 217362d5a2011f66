// The chart renderer: loaded on demand (its own chunk), with only the ECharts parts the page
// draws: bar, line (and area), pie and scatter on a canvas, with grid, legend and tooltip.

import { BarChart, LineChart, PieChart, ScatterChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { type ECharts, init, use } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import type { ChartConfig, Result } from "../page/config";
import { chartOption } from "./options";
import { readTheme } from "./theme";

use([BarChart, LineChart, PieChart, ScatterChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { EncodingProblem } from "./options";

export interface DrawnChart {
  /** The option the chart was last drawn with (tests and debugging read it). */
  option(): unknown;
  draw(chart: ChartConfig, result: Result): void;
  dispose(): void;
}

export function drawChart(element: HTMLElement, chart: ChartConfig, result: Result): DrawnChart {
  const instance: ECharts = init(element, null, { renderer: "canvas" });
  let shown = { chart, result, width: element.clientWidth };
  const resize = new ResizeObserver(() => {
    instance.resize();
    if (element.clientWidth === shown.width) return;
    shown.width = element.clientWidth;
    // Merged, not replaced: only what depends on the width (axis labels) changes, without animation.
    instance.setOption(chartOption(shown.chart, shown.result, readTheme(), shown.width));
  });
  resize.observe(element);
  const drawn: DrawnChart = {
    option: () => instance.getOption(),
    draw(next, nextResult) {
      shown = { chart: next, result: nextResult, width: element.clientWidth };
      instance.setOption(chartOption(next, nextResult, readTheme(), shown.width), { notMerge: true });
    },
    dispose() {
      resize.disconnect();
      instance.dispose();
    },
  };
  drawn.draw(chart, result);
  return drawn;
}

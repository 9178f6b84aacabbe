/** One bar series of `bar-chart.vue`: a value (or none) per label. */
export interface ChartSeries {
  name: string;
  values: Array<number | null>;
}

// Types of lag-chart.js (browser code served as is), for the unit test.
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}
export interface HistoryPoint {
  at: number;
  lag: Record<string, number>;
}
export declare const PALETTE: string[];
export declare function niceCeiling(max: number): number;
export declare function chartGeometry(
  history: HistoryPoint[],
  groups: string[],
  box: Box,
): { xMin: number; xMax: number; yMax: number; series: { group: string; points: [number, number][] }[] };
export declare function formatTime(ms: number): string;
export declare function renderLagChart(container: unknown, history: HistoryPoint[], groups: string[]): void;

// Types of sales-view.js (browser code served as is), for the unit test.
export interface GroupRow {
  year: number | null;
  country: string | null;
  grouping_year: number;
  grouping_country: number;
}
export interface Series {
  labels: string[];
  values: number[];
}
export declare const MONTH_NAMES: string[];
export declare const UNRESOLVED: string;
export declare function formatMoney(text: string | null | undefined): string;
export declare function memberLabel(name: string | null | undefined): string;
export declare function groupLabels(row: GroupRow): { year: string; country: string };
export declare function groupKey(row: GroupRow): string;
export declare function chartSeries(answer: {
  charts: {
    monthly: Array<{ month: number; total: string }>;
    byCategory: Array<{ category: string | null; total: string }>;
    quarterly: Array<{ quarter: number; total: string }>;
  };
}): { monthly: Series; byCategory: Series; quarterly: Series };
export declare function salesUrl(
  year: number | string | null,
  category: string | null,
  source?: string | null,
): string;

import { sumDecimals } from './decimal.js';
import { type ChartRow, type Charts, shapeCharts } from './shape.js';

/** A row of historyChartsQuery: a chart row plus the sales of the item `Mobile` in it (NULL: none). */
export interface HistoryChartRow extends ChartRow {
  mobile_sales: string | null;
}

const QUARTERS = [1, 2, 3, 4];

/**
 * The three charts of one year of sales_history: month-wise (for the category filter) and category-wise as
 * the star's (shapeCharts), and the quarterly chart from the item `Mobile`'s sales (the history's phones are
 * an item, not a category), quarters zero-filled.
 */
export function shapeHistoryCharts(rows: readonly HistoryChartRow[], category: string | null): Charts {
  const { monthly, byCategory } = shapeCharts(rows, category);
  return {
    monthly,
    byCategory,
    quarterly: QUARTERS.map((quarter) => ({
      quarter,
      total: sumDecimals(rows.filter((r) => r.quarter === quarter).map((r) => r.mobile_sales)),
    })),
  };
}

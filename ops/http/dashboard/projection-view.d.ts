// Types of projection-view.js (browser code served as is), for the unit test.
export interface ProjectionAnswer {
  points: Array<{ year: number; sales: number }>;
  fit: { intercept: number; slope: number; r2: number; n: number } | null;
  minYears: number;
  projectedWith: 'fit' | 'course model';
  projection: Array<{ year: number; sales: number }>;
}
export declare function formatAmount(n: number | null | undefined): string;
export declare function projectionSeries(answer: ProjectionAnswer): {
  labels: string[];
  observed: Array<number | null>;
  projected: Array<number | null>;
  ownAxis: boolean;
};
export declare function projectionNote(answer: ProjectionAnswer): string;
export declare function projectionUrl(source: string | null): string;

import type { HistogramSeries } from '../metrics/histogram';
import type { NormalisedSql, SqlDialect } from './normalise-sql';
import { normaliseSql } from './normalise-sql';

// The normalised form of each SQL string, cached: applications send the same few hundred
// statements over and over, so after warm-up a query costs one Map lookup (~50 ns) instead of a
// normalisation (1–5 µs). Statements are cached in two generations: lookups go to the young one,
// then the old one (and a hit there moves the entry back to young); when young is full it
// becomes old and the previous old one is dropped. That bounds memory like an LRU at the cost
// of one Map.get per hit, with no per-hit bookkeeping.

/** Statements longer than this are normalised each time, not cached (they are rare, and keys this long cost memory). */
const MAX_CACHED_SQL_LENGTH = 4096;

/** Operations that read or write data: what N+1 detection looks at (not BEGIN, SET, DDL…). */
const DATA_OPERATIONS = new Set([
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'REPLACE',
  'MERGE',
  'UPSERT',
  'CALL',
  'VALUES',
  'TABLE',
]);

export interface QueryShape extends NormalisedSql {
  /** True for data statements, which N+1 detection considers. */
  readonly dataOperation: boolean;
  /** Duration histogram series for successful runs, cached by the recorder on first use. */
  okSeries: HistogramSeries | undefined;
}

class GenerationalCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  constructor(private readonly generationSize: number) {}

  get(key: string): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const aged = this.old.get(key);
    if (aged !== undefined) this.set(key, aged);
    return aged;
  }

  set(key: string, value: V): void {
    if (this.generationSize === 0) return;
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}

/** The query shapes of one database system (each system has its own SQL dialect). */
export class QueryShapes {
  private readonly bySql: GenerationalCache<QueryShape>;
  /** One shape per pattern text, so statements differing only in inlined values share one. */
  private readonly byPattern: GenerationalCache<QueryShape>;

  constructor(
    private readonly dialect: SqlDialect,
    capacity: number,
  ) {
    const generation = Math.ceil(capacity / 2);
    this.bySql = new GenerationalCache(generation);
    this.byPattern = new GenerationalCache(generation);
  }

  of(sql: string): QueryShape {
    const cacheable = sql.length <= MAX_CACHED_SQL_LENGTH;
    if (cacheable) {
      const hit = this.bySql.get(sql);
      if (hit !== undefined) return hit;
    }
    const normalised = normaliseSql(sql, this.dialect);
    let shape = this.byPattern.get(normalised.text);
    if (shape === undefined) {
      shape = {
        text: normalised.text,
        operation: normalised.operation,
        collection: normalised.collection,
        dataOperation: DATA_OPERATIONS.has(normalised.operation),
        okSeries: undefined,
      };
      this.byPattern.set(shape.text, shape);
    }
    if (cacheable) this.bySql.set(sql, shape);
    return shape;
  }
}

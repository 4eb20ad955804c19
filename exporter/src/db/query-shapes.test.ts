import { QueryShapes } from './query-shapes';

/** The entries a QueryShapes holds, across both generations of both caches. */
function cachedEntries(shapes: QueryShapes): number {
  const caches = shapes as unknown as Record<
    'bySql' | 'byPattern',
    { young: Map<string, unknown>; old: Map<string, unknown> }
  >;
  return caches.bySql.young.size + caches.bySql.old.size;
}

describe('QueryShapes', () => {
  it('returns the same shape for a repeated statement, and for statements differing only in values', () => {
    const shapes = new QueryShapes('mysql', 100);
    const a = shapes.of('SELECT * FROM users WHERE id = 1');
    expect(shapes.of('SELECT * FROM users WHERE id = 1')).toBe(a);
    expect(shapes.of('SELECT * FROM users WHERE id = 2')).toBe(a); // one pattern, one shape
    expect(a).toMatchObject({
      text: 'SELECT * FROM users WHERE id = ?',
      operation: 'SELECT',
      collection: 'users',
      dataOperation: true,
    });
    expect(shapes.of('BEGIN').dataOperation).toBe(false);
  });

  it('stays within its capacity however many distinct statements it sees', () => {
    const shapes = new QueryShapes('postgresql', 100);
    for (let i = 0; i < 10_000; i++) shapes.of(`SELECT * FROM t WHERE id = ${i} AND v = 'x${i}'`);
    expect(cachedEntries(shapes)).toBeLessThanOrEqual(100);
  });

  it('keeps statements in use while newer ones come and go', () => {
    const shapes = new QueryShapes('postgresql', 100);
    const hot = shapes.of('SELECT * FROM hot WHERE id = $1');
    for (let i = 0; i < 1000; i++) {
      shapes.of(`SELECT * FROM cold_${i}`);
      if (i % 10 === 0) expect(shapes.of('SELECT * FROM hot WHERE id = $1')).toBe(hot);
    }
  });

  it('caches nothing with a capacity of 0 (still normalises)', () => {
    const shapes = new QueryShapes('postgresql', 0);
    expect(shapes.of('SELECT 1').text).toBe('SELECT ?');
    expect(cachedEntries(shapes)).toBe(0);
  });
});

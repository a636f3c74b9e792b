import { Comparable, comparisonMarker, pairComparisons, parseSuffixes } from './comparison';
import { DEFAULT_SUFFIXES } from '../types';

const byLabel = { detection: 'label' as const, suffix: DEFAULT_SUFFIXES };
const bySuffix = { detection: 'suffix' as const, suffix: DEFAULT_SUFFIXES };

const item = (name: string, labels: Record<string, string> = {}, refId = 'A', fieldName = 'value'): Comparable => ({ name, labels, refId, fieldName });

describe('comparison detection by label', () => {
  it('pairs a compare=<x> series with the series of otherwise equal labels', () => {
    const items = [
      item('orders {channel=app}', { channel: 'app' }),
      item('orders {channel=web}', { channel: 'web' }),
      item('orders {channel=web} (1d ago)', { channel: 'web', compare: '1d' }),
      item('orders {channel=app} (1d ago)', { channel: 'app', compare: '1d' }),
    ];
    const pairs = pairComparisons(items, byLabel);
    expect(pairs).toHaveLength(2);
    expect(pairs[0]!.base).toBe(items[0]);
    expect(pairs[0]!.comparison).toBe(items[3]);
    expect(pairs[0]!.comparisonName).toBe('1d ago');
    expect(pairs[1]!.comparison).toBe(items[2]);
  });

  it('names previous_period comparisons in words', () => {
    const pairs = pairComparisons([item('gmv'), item('gmv (previous period)', { compare: 'previous_period' })], byLabel);
    expect(pairs[0]!.comparisonName).toBe('previous period');
  });

  it('prefers the base of the same query when labels are equal (two queries, no labels)', () => {
    const items = [item('orders', {}, 'A'), item('gmv', {}, 'B'), item('gmv (1w ago)', { compare: '1w' }, 'B'), item('orders (1w ago)', { compare: '1w' }, 'A')];
    const pairs = pairComparisons(items, byLabel);
    expect(pairs.map((p) => [p.base.name, p.comparison?.name])).toEqual([
      ['orders', 'orders (1w ago)'],
      ['gmv', 'gmv (1w ago)'],
    ]);
  });

  it('keeps a comparison without a base as a series of its own', () => {
    const pairs = pairComparisons([item('orders (1d ago)', { compare: '1d' })], byLabel);
    expect(pairs).toEqual([{ base: expect.objectContaining({ name: 'orders (1d ago)' }) }]);
  });

  it('ignores name suffixes in label mode and empty compare labels', () => {
    const pairs = pairComparisons([item('orders'), item('orders (1d ago)', { compare: '' })], byLabel);
    expect(pairs).toHaveLength(2);
    expect(pairs.every((p) => !p.comparison)).toBe(true);
  });
});

describe('comparison detection by name suffix', () => {
  it('pairs "<name> (1d ago)" and "<name> (previous period)" with "<name>"', () => {
    const items = [item('Orders'), item('GMV'), item('GMV (previous period)'), item('Orders (1d ago)')];
    const pairs = pairComparisons(items, bySuffix);
    expect(pairs.map((p) => [p.base.name, p.comparison?.name, p.comparisonName])).toEqual([
      ['Orders', 'Orders (1d ago)', '1d ago'],
      ['GMV', 'GMV (previous period)', 'previous period'],
    ]);
  });

  it('uses the configured suffix and ignores labels', () => {
    const opts = { detection: 'suffix' as const, suffix: ' - last week' };
    const items = [item('Visitors', {}), item('Visitors - last week', { compare: '1w' }), item('Orders (1d ago)')];
    const pairs = pairComparisons(items, opts);
    expect(pairs).toHaveLength(2);
    expect(pairs[0]!.comparison?.name).toBe('Visitors - last week');
    expect(pairs[0]!.comparisonName).toBe('- last week');
    expect(pairs[1]!.base.name).toBe('Orders (1d ago)');
  });

  it('splits the suffix list on | and trims it', () => {
    expect(parseSuffixes(' (1d ago)| (1w ago) || ')).toEqual(['(1d ago)', '(1w ago)']);
    expect(comparisonMarker(item('(1d ago)'), bySuffix)).toBeNull();
  });
});

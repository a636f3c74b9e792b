import { catalogFixture } from '../testing/catalog';
import { applySuggestion, suggestionsAt, type CompletionSources } from './completions';

const sources: CompletionSources = { catalog: catalogFixture, variables: ['channel'], values: ['web', 'app', 'say "hi"'] };

function complete(textWithCursor: string, pick: string): string {
  const cursor = textWithCursor.indexOf('|');
  const text = textWithCursor.replace('|', '');
  const { suggestions } = suggestionsAt(text, cursor, sources);
  const s = suggestions.find((x) => x.label === pick);
  if (!s) throw new Error(`no ${pick} in ${suggestions.map((x) => x.label).join(', ')}`);
  return applySuggestion(text, s).text;
}

describe('completions', () => {
  it('suggests metrics by prefix with title and unit', () => {
    const { context, suggestions } = suggestionsAt('pay', 3, sources);
    expect(context.kind).toBe('metric');
    expect(suggestions.map((s) => s.label)).toEqual(['payments', 'payments_failed', 'payment_failure_rate']);
    expect(suggestions[2]!.detail).toBe('Payment failure rate (percent)');
    expect(complete('pay|', 'payments_failed')).toBe('payments_failed');
  });

  it('suggests only the dimensions of the metric being filtered', () => {
    const labels = suggestionsAt('orders{', 7, sources).suggestions.map((s) => s.label);
    expect(labels).toContain('channel');
    expect(labels).not.toContain('method');
    expect(suggestionsAt('payments{me', 11, sources).suggestions.map((s) => s.label)).toEqual(['method']);
  });

  it('suggests match operators after a dimension and arithmetic or by after a selector', () => {
    expect(suggestionsAt('orders{channel ', 15, sources).suggestions.map((s) => s.label)).toEqual(['=', '!=', '=~', '!~']);
    expect(complete('orders |', 'by')).toBe('orders by (');
    expect(complete('orders{channel="web"}|', '*')).toBe('orders{channel="web"} * ');
    expect(complete('orders |', '/')).toBe('orders / ');
  });

  it('inserts quoted, escaped values and variables', () => {
    expect(complete('orders{channel=|}', 'web')).toBe('orders{channel="web"}');
    expect(complete('orders{channel=~|}', '$channel')).toBe('orders{channel=~"$channel"}');
    expect(complete('orders{channel="w|', 'web')).toBe('orders{channel="web"');
    expect(complete('orders{channel=|}', 'say "hi"')).toBe('orders{channel="say \\"hi\\""}');
  });

  it('suggests dimensions in by (...)', () => {
    expect(complete('orders by (cha|', 'channel')).toBe('orders by (channel');
  });
});

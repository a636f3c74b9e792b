import { parseVariableQuery } from './variableQuery';

describe('parseVariableQuery', () => {
  it.each([
    ['metrics()', { kind: 'metrics' }],
    ['  metrics( orders ) ', { kind: 'metrics', area: 'orders' }],
    ['metrics("web performance")', { kind: 'metrics', area: 'web performance' }],
    ['metrics(web_performance)', { kind: 'metrics', area: 'web performance' }],
    ['dimensions()', { kind: 'dimensions' }],
    ['dimensions(payments)', { kind: 'dimensions', metric: 'payments' }],
    ['dimension_values(channel)', { kind: 'dimension_values', dimension: 'channel' }],
    ['dimension_values(query, "shoe")', { kind: 'dimension_values', dimension: 'query', search: 'shoe' }],
    ["dimension_values(query, 'say \\'hi\\'')", { kind: 'dimension_values', dimension: 'query', search: "say 'hi'" }],
    ['dimension_values(query, "")', { kind: 'dimension_values', dimension: 'query' }],
  ])('reads %s', (text, query) => {
    expect(parseVariableQuery(text)).toEqual({ ok: true, query });
  });

  it.each([
    ['', /Write a query/],
    ['channel', /Write a query/],
    ['values(channel)', /unknown function "values"/],
    ['dimension_values()', /dimension_values takes a dimension/],
    ['dimension_values("channel")', /dimension_values takes a dimension/],
    ['dimension_values(channel, "a", "b")', /dimension_values takes/],
    ['metrics(a, b)', /metrics takes an optional area/],
    ['dimension_values(channel, "open)', /character 27: unterminated string/],
    ['dimension_values(channel extra)', /character 26: expected "," or "\)"/],
    ['metrics() trailing', /unexpected text after "\)"/],
    ['metrics(', /expected a name or a quoted string/],
  ])('rejects %j with a message', (text, message) => {
    const result = parseVariableQuery(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

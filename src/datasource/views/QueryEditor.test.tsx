import '../testing/esmShims';
import { dateTime } from '@grafana/data';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import React, { useState } from 'react';
import { QUERY_MODEL_VERSION, type ShopmonQuery } from '../../kpi/datasourceQuery';
import type { ShopmonDataSource } from '../datasource';
import { selectors } from '../selectors';
import { makeDatasource } from '../testing/fakes';
import { QueryEditor } from './QueryEditor';

const ids = selectors.queryEditor;
const range = { from: dateTime(1_700_000_000_000), to: dateTime(1_700_086_400_000), raw: { from: 'now-1d', to: 'now' } };
const channelValues = { values: [{ value: 'web', count: 9 }, { value: 'app', count: 5 }] };

/** Holds the query like a Grafana panel editor and records what the editor does. */
async function renderEditor(initial: ShopmonQuery, ds: ShopmonDataSource = makeDatasource({ variables: { channel: { value: 'web' } }, resources: { 'dimensions/channel/values': channelValues } }).ds) {
  const changes: ShopmonQuery[] = [];
  const runs = jest.fn();
  function Harness() {
    const [query, setQuery] = useState(initial);
    return (
      <QueryEditor
        datasource={ds}
        query={query}
        range={range}
        onRunQuery={runs}
        onChange={(next) => {
          changes.push(next);
          setQuery(next);
        }}
      />
    );
  }
  render(<Harness />);
  // Let the catalog load, as it does before anyone can click.
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
  return { changes, runs, last: () => changes[changes.length - 1]! };
}

const current = (patch: Partial<ShopmonQuery>): ShopmonQuery => ({ refId: 'A', queryKind: 'kpi', editorMode: 'builder', modelVersion: QUERY_MODEL_VERSION, ...patch });

function openSelect(testId: string) {
  fireEvent.keyDown(screen.getByTestId(`${testId}-input`), { key: 'ArrowDown' });
}

describe('QueryEditor, builder mode', () => {
  it('shows the chosen metric with its description and unit and offers metrics grouped by area', async () => {
    const { last, runs } = await renderEditor(current({ metric: 'orders' }));
    const info = await screen.findByTestId(ids.builder.metricInfo);
    expect(info).toHaveTextContent('Distinct order_id of order events');
    expect(info).toHaveTextContent('Unit: short');
    openSelect(ids.builder.metric);
    for (const area of ['Traffic', 'Search', 'Orders', 'Payments', 'Members', 'Catalog', 'Web performance']) {
      expect(screen.getAllByText(area).length).toBeGreaterThan(0);
    }
    expect(screen.getByText('payment_failure_rate (percent): payments_failed / payments, in percent.')).toBeInTheDocument();
    fireEvent.click(screen.getByText('Payment failure rate'));
    expect(last().metric).toBe('payment_failure_rate');
    expect(runs).toHaveBeenCalled();
    expect(await screen.findByTestId(ids.builder.metricInfo)).toHaveTextContent('Unit: percent');
  });

  it('adds a filter and suggests values of its dimension and dashboard variables', async () => {
    const { last } = await renderEditor(current({ metric: 'orders' }));
    await screen.findByTestId(ids.builder.metricInfo);
    fireEvent.click(screen.getByTestId(ids.builder.addFilter));
    expect(last().filters).toEqual([{ dimension: 'channel', op: 'eq', values: [] }]);
    const row = screen.getByTestId(ids.builder.filterRow);
    fireEvent.keyDown(within(row).getByTestId(`${ids.builder.filterValues}-input`), { key: 'ArrowDown' });
    await screen.findByText('app');
    expect(screen.getByText('$channel')).toBeInTheDocument();
    fireEvent.click(screen.getByText('web'));
    expect(last().filters).toEqual([{ dimension: 'channel', op: 'eq', values: ['web'] }]);
    fireEvent.click(screen.getByTestId(ids.builder.removeFilter));
    expect(last().filters).toEqual([]);
  });

  it('switches to code with the equivalent expression', async () => {
    const { last } = await renderEditor(current({ metric: 'orders', filters: [{ dimension: 'channel', op: 'eq', values: ['web'] }], groupBy: ['device'] }));
    fireEvent.click(within(screen.getByTestId(ids.mode)).getByText('Code'));
    expect(last()).toMatchObject({ editorMode: 'code', expr: 'orders{channel="web"} by (device)', filters: [], groupBy: [] });
    expect(await screen.findByTestId(ids.code.textarea)).toHaveValue('orders{channel="web"} by (device)');
  });

  it('stays in the builder with a message when a filter has no matcher', async () => {
    const { changes } = await renderEditor(current({ metric: 'orders', filters: [{ dimension: 'category', op: 'contains', values: ['shoe'] }] }));
    fireEvent.click(within(screen.getByTestId(ids.mode)).getByText('Code'));
    expect(screen.getByTestId(ids.modeMessage)).toHaveTextContent('The filter on category uses "contains"');
    expect(changes).toHaveLength(0);
    expect(screen.queryByTestId(ids.code.textarea)).not.toBeInTheDocument();
  });

  it('edits funnel steps and keeps funnels out of code mode', async () => {
    const { last } = await renderEditor(current({ queryKind: 'funnel' }));
    expect(screen.getByTestId(ids.builder.funnelSteps)).toBeInTheDocument();
    expect(within(screen.getByTestId(ids.mode)).getByLabelText('Code')).toBeDisabled();
    openSelect(ids.builder.funnelSteps);
    fireEvent.click(screen.getByText('add_to_cart'));
    expect(last().funnelSteps).toEqual(['add_to_cart']);
    const window = screen.getByTestId(ids.builder.funnelWindow);
    fireEvent.change(window, { target: { value: '2d' } });
    fireEvent.blur(window);
    expect(last().funnelWindow).toBe('2d');
  });

  it('writes an old saved query back in the current model and shows a catalog failure', async () => {
    const { ds, getResource } = makeDatasource();
    getResource.mockRejectedValue({ status: 502, data: { message: 'KPI service unreachable: connect ECONNREFUSED' } });
    const { changes } = await renderEditor({ refId: 'A', expr: 'orders * 2' }, ds);
    expect(changes[0]).toMatchObject({ editorMode: 'code', modelVersion: QUERY_MODEL_VERSION });
    expect(await screen.findByTestId(ids.catalogError)).toHaveTextContent('KPI service unreachable');
  });
});

describe('QueryEditor, code mode', () => {
  it('validates as you type and shows line and column', async () => {
    await renderEditor(current({ editorMode: 'code', expr: 'orders' }));
    const textarea = await screen.findByTestId(ids.code.textarea);
    expect(screen.getByTestId(ids.code.valid)).toBeInTheDocument();
    fireEvent.change(textarea, { target: { value: 'orders +\n  {channel="web"}' } });
    expect(screen.getByTestId(ids.code.error)).toHaveTextContent('Line 2, column 3: expected a metric name, a number or "(" but found "{"');
    fireEvent.change(textarea, { target: { value: 'orders{method="card"}' } });
    await waitFor(() => expect(screen.getByTestId(ids.code.error)).toHaveTextContent(/Line 1, column 8: dimension "method" is not available for orders/));
  });

  it('shows the service validation on blur and runs the query', async () => {
    const { ds, postResource } = makeDatasource({ post: { validate: { ok: false, error: { message: 'range too long for this expression', line: 1, column: 4 } } } });
    const { runs } = await renderEditor(current({ editorMode: 'code', expr: 'gmv' }), ds);
    const textarea = await screen.findByTestId(ids.code.textarea);
    fireEvent.blur(textarea);
    expect(runs).toHaveBeenCalled();
    expect(postResource).toHaveBeenCalledWith('validate', { expr: 'gmv' });
    expect(await screen.findByTestId(ids.code.error)).toHaveTextContent('Line 1, column 4: range too long for this expression');
  });

  it('offers completions from the catalog and inserts the clicked one', async () => {
    const { last } = await renderEditor(current({ editorMode: 'code', expr: '' }));
    const textarea = (await screen.findByTestId(ids.code.textarea)) as HTMLTextAreaElement;
    await screen.findAllByTestId(ids.code.suggestion);
    fireEvent.change(textarea, { target: { value: 'payments_f', selectionStart: 10 } });
    const list = screen.getByTestId(ids.code.suggestions);
    fireEvent.click(within(list).getByText('payments_failed'));
    expect(last().expr).toBe('payments_failed');
    fireEvent.change(textarea, { target: { value: 'payments_failed{channel=', selectionStart: 24 } });
    await waitFor(() => expect(within(screen.getByTestId(ids.code.suggestions)).getByText('web')).toBeInTheDocument());
    fireEvent.click(within(screen.getByTestId(ids.code.suggestions)).getByText('$channel'));
    expect(last().expr).toBe('payments_failed{channel="$channel"');
  });

  it('switches a single selector back to the builder and keeps arithmetic in code', async () => {
    const first = await renderEditor(current({ editorMode: 'code', expr: 'gmv{channel=~"web|app"} by (region)' }));
    await act(async () => fireEvent.click(within(screen.getByTestId(ids.mode)).getByText('Builder')));
    expect(first.last()).toMatchObject({ editorMode: 'builder', metric: 'gmv', filters: [{ dimension: 'channel', op: 'eq', values: ['web', 'app'] }], groupBy: ['region'] });
    expect(await screen.findByText('GMV')).toBeInTheDocument();
  });

  it('keeps arithmetic in code with a message', async () => {
    const { changes } = await renderEditor(current({ editorMode: 'code', expr: 'payments_failed / payments' }));
    await screen.findByTestId(ids.code.textarea);
    fireEvent.click(within(screen.getByTestId(ids.mode)).getByText('Builder'));
    expect(screen.getByTestId(ids.modeMessage)).toHaveTextContent('Only a single metric');
    expect(changes).toHaveLength(0);
  });
});

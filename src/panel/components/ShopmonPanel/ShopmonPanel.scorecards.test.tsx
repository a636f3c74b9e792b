// jest.setup.browser.js registers the matchers; this import brings their types (tsconfig lists only node and jest).
import '@testing-library/jest-dom';

import { fireEvent, render, screen, within } from '@testing-library/react';

import { FieldMatcherID, getDefaultTimeRange, LinkModel, LoadingState, ThresholdsMode } from '@grafana/data';

import { selectors } from '../../selectors';
import { nameValueTable, options, seriesFrame, theme } from '../../testUtils/frames';
import { panelProps, withFieldConfig } from '../../testUtils/panelProps';
import { registerStubEditors } from '../../testUtils/registry';
import { ShopmonPanel } from './ShopmonPanel';

beforeAll(registerStubEditors);

const shopFrames = () => [
  seriesFrame('Orders', [90, 100, 80], { labels: {} }),
  seriesFrame('Orders (1d ago)', [95, 105, 100], { labels: { compare: '1d' } }),
  seriesFrame('Payment failure rate', [2.5, 2.0], { labels: {}, refId: 'B', config: { unit: 'percent', decimals: 1 } }),
  seriesFrame('Payment failure rate (1d ago)', [3.0, 4.0], { labels: { compare: '1d' }, refId: 'B', config: { unit: 'percent', decimals: 1 } }),
];

/** The dashboard sets per-KPI settings with overrides, as a user would. */
const fieldConfig = {
  defaults: {},
  overrides: [
    { matcher: { id: FieldMatcherID.byName, options: 'Orders' }, properties: [{ id: 'custom.target', value: 100 }] },
    { matcher: { id: FieldMatcherID.byName, options: 'Payment failure rate' }, properties: [{ id: 'custom.higherIsBetter', value: false }] },
  ],
};

describe('ShopmonPanel scorecards', () => {
  it('says in the body that the query failed, and why, instead of "No data"', () => {
    const data = { state: LoadingState.Error, series: [], timeRange: getDefaultTimeRange(), errors: [{ message: 'KPI service unreachable at http://kpi:8787', refId: 'A' }] };
    render(<ShopmonPanel {...panelProps([], { data })} />);
    const status = screen.getByTestId(selectors.status);
    expect(status).toHaveAttribute('data-status', 'error');
    expect(status).toHaveTextContent('The query failed: KPI service unreachable at http://kpi:8787');
  });

  it('keeps "No data" for a query that answered nothing', () => {
    render(<ShopmonPanel {...panelProps([])} />);
    expect(screen.getByTestId(selectors.status)).toHaveAttribute('data-status', 'nodata');
  });

  it('shows value, delta and comparison of each KPI, coloured by its direction', () => {
    render(<ShopmonPanel {...panelProps(withFieldConfig(shopFrames(), fieldConfig), { width: 900, height: 260 })} />);
    const cards = screen.getAllByTestId(selectors.scorecards.card);
    expect(cards).toHaveLength(2);
    const [orders, failures] = cards as [HTMLElement, HTMLElement];
    expect(within(orders).getByTestId(selectors.scorecards.title)).toHaveTextContent('Orders');
    expect(within(orders).getByTestId(selectors.scorecards.value)).toHaveTextContent('80');
    const ordersDelta = within(orders).getByTestId(selectors.scorecards.delta);
    expect(ordersDelta).toHaveTextContent('▼ −20 (−20.0%)vs 1d ago');
    expect(ordersDelta).toHaveAttribute('data-sentiment', 'bad');
    expect(within(failures).getByTestId(selectors.scorecards.value)).toHaveTextContent('2.0%');
    expect(within(failures).getByTestId(selectors.scorecards.delta)).toHaveAttribute('data-sentiment', 'good');
    expect(within(failures).getByTestId(selectors.scorecards.delta)).toHaveTextContent('▼ −2.0 pp (−50.0%)vs 1d ago');
    expect(failures).toHaveAccessibleName('Payment failure rate: 2.0%, −2.0 pp (−50.0%) vs 1d ago, better');
  });

  it('shows the target set by an override as a progress bar', () => {
    render(<ShopmonPanel {...panelProps(withFieldConfig(shopFrames(), fieldConfig), { width: 900, height: 260 })} />);
    const bar = screen.getByRole('progressbar', { name: 'Target' });
    expect(bar).toHaveAttribute('aria-valuenow', '80');
    expect(bar).toHaveAttribute('aria-valuetext', '80.0% of target 100');
    expect(screen.getAllByTestId(selectors.scorecards.target)).toHaveLength(1);
  });

  it('draws sparklines on roomy cards and hides sparkline and target on small ones', () => {
    const { unmount } = render(<ShopmonPanel {...panelProps(withFieldConfig(shopFrames(), fieldConfig), { width: 900, height: 260 })} />);
    expect(screen.getAllByTestId(selectors.scorecards.sparkline)).toHaveLength(2);
    unmount();
    render(<ShopmonPanel {...panelProps(withFieldConfig(shopFrames(), fieldConfig), { width: 240, height: 70 })} />);
    expect(screen.queryByTestId(selectors.scorecards.sparkline)).not.toBeInTheDocument();
    expect(screen.queryByTestId(selectors.scorecards.target)).not.toBeInTheDocument();
    expect(screen.getAllByTestId(selectors.scorecards.value)).toHaveLength(2);
  });

  it('lists the cards for assistive technology and replaces dashboard variables in titles', () => {
    const replaceVariables = (s: string) => s.replace('$channel', 'app');
    render(<ShopmonPanel {...panelProps([nameValueTable([['Orders ($channel)', 5]])], { replaceVariables })} />);
    expect(screen.getByRole('list')).toBeInTheDocument();
    expect(screen.getByRole('listitem')).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Orders (app): 5' })).toBeInTheDocument();
  });

  it('a card with one data link is a focusable link', () => {
    const frame = seriesFrame('Orders', [1, 2]);
    const onClick = jest.fn();
    const link: LinkModel = { href: '/d/orders?var-channel=app', title: 'Order details', target: '_self', origin: frame.fields[1], onClick };
    frame.fields[1]!.getLinks = () => [link];
    render(<ShopmonPanel {...panelProps([frame])} />);
    const card = screen.getByRole('link', { name: /^Orders: 2/ });
    expect(card).toHaveAttribute('href', '/d/orders?var-channel=app');
    card.focus();
    expect(card).toHaveFocus();
    fireEvent.click(card);
    expect(onClick).toHaveBeenCalled();
  });

  it('a card with several links opens the data links menu with Enter', async () => {
    const frame = seriesFrame('GMV', [1, 2]);
    const links: LinkModel[] = ['By channel', 'By region'].map((title) => ({ href: `/d/${title}`, title, target: '_blank', origin: frame.fields[1] }));
    frame.fields[1]!.getLinks = () => links;
    render(<ShopmonPanel {...panelProps([frame])} />);
    const card = screen.getByRole('button', { name: /^GMV: 2/ });
    card.focus();
    expect(card).toHaveFocus();
    fireEvent.keyDown(card, { key: 'Enter' });
    expect(await screen.findByText('By region')).toBeInTheDocument();
  });

  it('background colour mode paints the card with the threshold colour', () => {
    const thresholds = { mode: ThresholdsMode.Absolute, steps: [{ value: -Infinity, color: 'green' }, { value: 50, color: 'red' }] };
    const frames = [seriesFrame('Refunds', [70], { config: { thresholds } }), seriesFrame('Orders', [70])];
    render(<ShopmonPanel {...panelProps(frames, { options: options({ colorMode: 'background' }) })} />);
    const [refunds, orders] = screen.getAllByTestId(selectors.scorecards.card) as [HTMLElement, HTMLElement];
    const red = document.createElement('div');
    red.style.background = theme.visualization.getColorByName('red');
    expect(refunds.style.background).toBe(red.style.background);
    expect(orders.style.background).toBe('');
  });

  it('says "No data" for empty results and explains unsupported frames', () => {
    const { unmount } = render(<ShopmonPanel {...panelProps([])} />);
    expect(screen.getByRole('status')).toHaveTextContent('No data');
    unmount();
    const text = seriesFrame('x', [1]);
    text.fields = [{ ...text.fields[0]!, name: 'time' }];
    render(<ShopmonPanel {...panelProps([text])} />);
    expect(screen.getByRole('status')).toHaveTextContent(/Scorecards need at least one number field.*Found: time \(time\)/);
  });
});

// jest.setup.browser.js registers the matchers; this import brings their types (tsconfig lists only node and jest).
import '@testing-library/jest-dom';

import { act, render, screen, within } from '@testing-library/react';

import { selectors } from '../../selectors';
import { funnelFrame, options } from '../../testUtils/frames';
import { panelProps } from '../../testUtils/panelProps';
import { ShopmonPanelOptions } from '../../types';
import { ShopmonPanel } from './ShopmonPanel';

const funnelOptions = (funnel: Partial<ShopmonPanelOptions['funnel']> = {}) => options({ mode: 'funnel', funnel: { ...options().funnel, ...funnel } });

const SHOP: Array<[string, number]> = [
  ['visit', 1000],
  ['product_view', 600],
  ['add_to_cart', 150],
];

describe('ShopmonPanel funnel', () => {
  it('shows steps with counts, conversion and drop-off, bars scaled from the values', () => {
    // Min/Max in the field config must not change bar lengths or percentages.
    const frame = funnelFrame(SHOP, { config: { min: 150, max: 1000 } });
    render(<ShopmonPanel {...panelProps([frame], { options: funnelOptions(), width: 700, height: 400 })} />);
    const list = screen.getByRole('list', { name: 'Conversion funnel' });
    const steps = within(list).getAllByRole('listitem');
    expect(steps).toHaveLength(3);
    expect(within(steps[1]!).getByTestId(selectors.funnel.value)).toHaveTextContent('600');
    expect(within(steps[1]!).getByTestId(selectors.funnel.percentages)).toHaveTextContent('60.0% of previous step · 60.0% of first step');
    expect(within(steps[2]!).getByTestId(selectors.funnel.dropOff)).toHaveTextContent('−450 (75.0%) drop-off');
    expect(screen.getAllByTestId(selectors.funnel.bar).map((b) => b.style.width)).toEqual(['100%', '60%', '15%']);
  });

  it('options hide percentages and drop-off', () => {
    render(<ShopmonPanel {...panelProps([funnelFrame(SHOP)], { options: funnelOptions({ showFromFirst: false, showDropOff: false }), width: 700, height: 400 })} />);
    expect(screen.getAllByTestId(selectors.funnel.percentages)[0]).toHaveTextContent(/^60.0% of previous step$/);
    expect(screen.queryByTestId(selectors.funnel.dropOff)).not.toBeInTheDocument();
  });

  it('steps are focusable and show a tooltip with counts and percentages on focus', async () => {
    render(<ShopmonPanel {...panelProps([funnelFrame(SHOP)], { options: funnelOptions() })} />);
    const step = screen.getByRole('listitem', { name: /^add_to_cart: 150/ });
    expect(step).toHaveAttribute('tabindex', '0');
    act(() => step.focus());
    expect(step).toHaveFocus();
    const tooltip = await screen.findByTestId(selectors.funnel.tooltip);
    expect(tooltip).toHaveTextContent('add_to_cart');
    expect(tooltip).toHaveTextContent('of previous step25.0%');
    expect(tooltip).toHaveTextContent('drop-off450 (75.0%)');
    expect(tooltip).toHaveTextContent('of first step15.0%');
  });

  it('draws the comparison period as ghost bars with a legend', () => {
    const previous = funnelFrame([['visit', 2000], ['product_view', 600], ['add_to_cart', 300]], { refId: 'B' });
    previous.fields[1]!.labels = { compare: 'previous_period' };
    render(<ShopmonPanel {...panelProps([funnelFrame(SHOP), previous], { options: funnelOptions(), width: 700, height: 400 })} />);
    expect(screen.getAllByTestId(selectors.funnel.ghostBar).map((b) => b.style.width)).toEqual(['100%', '30%', '15%']);
    expect(screen.getAllByTestId(selectors.funnel.bar).map((b) => b.style.width)).toEqual(['50%', '30%', '7.5%']);
    expect(screen.getByText('previous period')).toBeInTheDocument();
  });

  it('vertical layout draws bar heights', () => {
    render(<ShopmonPanel {...panelProps([funnelFrame(SHOP)], { options: funnelOptions({ orientation: 'vertical' }), width: 600, height: 400 })} />);
    expect(screen.getAllByTestId(selectors.funnel.bar).map((b) => b.style.height)).toEqual(['100%', '60%', '15%']);
  });

  it('keeps small panels readable: no drop-off line, tooltip still complete', () => {
    render(<ShopmonPanel {...panelProps([funnelFrame(SHOP)], { options: funnelOptions(), width: 200, height: 80 })} />);
    expect(screen.queryByTestId(selectors.funnel.dropOff)).not.toBeInTheDocument();
    expect(screen.queryByTestId(selectors.funnel.percentages)).not.toBeInTheDocument();
    expect(screen.getAllByRole('listitem')[1]).toHaveAccessibleName('product_view: 600, 60.0% of previous step, 60.0% of first step, drop-off 400 (40.0%)');
  });

  it('refuses negative steps with a message', () => {
    render(<ShopmonPanel {...panelProps([funnelFrame([['visit', 10], ['order', -2]])], { options: funnelOptions() })} />);
    expect(screen.getByRole('status')).toHaveTextContent('Funnel steps cannot be negative: step "order" is -2.');
  });
});

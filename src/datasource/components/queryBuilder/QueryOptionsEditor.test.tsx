import '../../testing/esmShims';
import { fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';
import type { ShopmonQuery } from '../../../kpi/datasourceQuery';
import { selectors } from '../../selectors';
import { QueryOptionsEditor } from './QueryOptionsEditor';

const ids = selectors.queryEditor.options;

function renderOptions(query: Partial<ShopmonQuery> = {}) {
  const onChange = jest.fn();
  render(<QueryOptionsEditor query={{ refId: 'A', ...query }} onChange={onChange} />);
  return onChange;
}

describe('QueryOptionsEditor', () => {
  it('offers auto, $__interval and fixed intervals, and takes a typed duration', () => {
    const onChange = renderOptions();
    const input = screen.getByTestId(`${ids.interval}-input`);
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.click(screen.getByText('$__interval'));
    expect(onChange).toHaveBeenLastCalledWith({ interval: '$__interval' }, true);
    fireEvent.change(input, { target: { value: '2h' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onChange).toHaveBeenLastCalledWith({ interval: '2h' }, true);
    onChange.mockClear();
    fireEvent.change(input, { target: { value: 'soon' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onChange).not.toHaveBeenCalled();
  });

  it('sets comparison and format', () => {
    const onChange = renderOptions();
    fireEvent.keyDown(screen.getByTestId(`${ids.compare}-input`), { key: 'ArrowDown' });
    fireEvent.click(screen.getByText('1 week ago'));
    expect(onChange).toHaveBeenLastCalledWith({ compare: '1w' }, true);
    fireEvent.click(within(screen.getByTestId(ids.format)).getByText('Total'));
    expect(onChange).toHaveBeenLastCalledWith({ format: 'total' }, true);
  });

  it('commits legend and limit on blur; other needs a limit', () => {
    const onChange = renderOptions();
    expect(screen.getByTestId(ids.other)).toBeDisabled();
    const alias = screen.getByTestId(ids.alias);
    fireEvent.change(alias, { target: { value: '{{channel}} orders' } });
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.blur(alias);
    expect(onChange).toHaveBeenLastCalledWith({ alias: '{{channel}} orders' }, true);
    const limit = screen.getByTestId(ids.limit);
    fireEvent.change(limit, { target: { value: '5' } });
    fireEvent.blur(limit);
    expect(onChange).toHaveBeenLastCalledWith({ limit: 5 }, true);
    onChange.mockClear();
    fireEvent.change(limit, { target: { value: '0' } });
    fireEvent.blur(limit);
    expect(onChange).not.toHaveBeenCalled();
  });

  it('turns on other when there is a limit', () => {
    const onChange = renderOptions({ limit: 5 });
    fireEvent.click(screen.getByTestId(ids.other));
    expect(onChange).toHaveBeenLastCalledWith({ other: true }, true);
  });
});

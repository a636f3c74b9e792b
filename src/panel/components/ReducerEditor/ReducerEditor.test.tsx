import '@testing-library/jest-dom';

import { fireEvent, render, screen } from '@testing-library/react';

import { ReducerID, StandardEditorContext } from '@grafana/data';

import { ReducerEditor } from './ReducerEditor';

const context: StandardEditorContext<unknown> = { data: [] };
const item = { id: 'reduceCalc', name: 'Calculation' };

describe('ReducerEditor', () => {
  it('shows the chosen calculation and picks another one', async () => {
    const onChange = jest.fn();
    render(<ReducerEditor value={ReducerID.mean} onChange={onChange} context={context} item={item} id="calc" />);
    expect(screen.getByText('Mean')).toBeInTheDocument();
    const input = screen.getByRole('combobox');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.click(await screen.findByText('Total'));
    expect(onChange).toHaveBeenCalledWith(ReducerID.sum);
  });
});

import '../testing/esmShims';
import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';
import { selectors } from '../selectors';
import { makeDatasource } from '../testing/fakes';
import type { ShopmonAnnotationQuery } from '../types';
import { AnnotationQueryEditor } from './AnnotationQueryEditor';

describe('AnnotationQueryEditor', () => {
  it('edits the tags of an annotation target', () => {
    const onChange = jest.fn();
    const query: ShopmonAnnotationQuery = { refId: 'Anno', queryType: 'annotations', tags: 'deploy' };
    render(<AnnotationQueryEditor datasource={makeDatasource().ds} query={query} onChange={onChange} onRunQuery={jest.fn()} />);
    const tags = screen.getByTestId(selectors.annotationEditor.tags);
    expect(tags).toHaveValue('deploy');
    fireEvent.change(tags, { target: { value: ' deploy, incident ' } });
    fireEvent.blur(tags);
    expect(onChange).toHaveBeenCalledWith({ refId: 'Anno', queryType: 'annotations', tags: 'deploy, incident' });
  });
});

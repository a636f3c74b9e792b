import '../testing/esmShims';
import type { DataSourceSettings } from '@grafana/data';
import { fireEvent, render, screen } from '@testing-library/react';
import React, { useState } from 'react';
import { selectors } from '../selectors';
import type { ShopmonOptions, ShopmonSecureJsonData } from '../types';
import { ConfigEditor } from './ConfigEditor';

type Settings = DataSourceSettings<ShopmonOptions, ShopmonSecureJsonData>;

function settings(patch: Partial<Settings> = {}): Settings {
  return {
    id: 1,
    uid: 'shopmon-kpi',
    orgId: 1,
    name: 'Shopmon KPI',
    type: 'shopmon-kpi-datasource',
    typeName: 'Shopmon KPI',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    withCredentials: false,
    readOnly: false,
    jsonData: {},
    secureJsonFields: {},
    version: 1,
    ...patch,
  } as Settings;
}

/** Holds the settings the way Grafana's settings page does and records every change. */
function renderEditor(initial: Settings) {
  const changes: Settings[] = [];
  function Harness() {
    const [options, setOptions] = useState(initial);
    return (
      <ConfigEditor
        options={options}
        onOptionsChange={(next) => {
          changes.push(next);
          setOptions(next);
        }}
      />
    );
  }
  render(<Harness />);
  return { changes, last: () => changes[changes.length - 1]! };
}

describe('ConfigEditor', () => {
  it('shows a provisioned datasource: jsonData fields and a configured key', () => {
    renderEditor(settings({ jsonData: { url: 'http://kpi:8787', timezone: 'Asia/Seoul', timeoutSeconds: 20 }, secureJsonFields: { queryKey: true }, readOnly: true }));
    expect(screen.getByTestId(selectors.configEditor.url)).toHaveValue('http://kpi:8787');
    expect(screen.getByTestId(selectors.configEditor.timeout)).toHaveValue(20);
    expect(screen.getByText('Asia/Seoul')).toBeInTheDocument();
    const key = screen.getByTestId(selectors.configEditor.queryKey);
    expect(key).toHaveValue('configured');
    expect(key).toBeDisabled();
    expect(screen.getByTestId(selectors.configEditor.url)).toBeDisabled();
  });

  it('resets a configured key so a new one can be typed, only into secureJsonData', () => {
    const { changes, last } = renderEditor(settings({ jsonData: { url: 'http://kpi:8787' }, secureJsonFields: { queryKey: true } }));
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(last().secureJsonFields).toEqual({ queryKey: false });
    expect(last().secureJsonData).toEqual({ queryKey: '' });
    const key = screen.getByTestId(selectors.configEditor.queryKey);
    expect(key).toHaveAttribute('type', 'password');
    fireEvent.change(key, { target: { value: 'qk_secret' } });
    expect(last().secureJsonData).toEqual({ queryKey: 'qk_secret' });
    expect(changes.every((c) => !JSON.stringify(c.jsonData).includes('qk_secret'))).toBe(true);
    expect(last().jsonData).toEqual({ url: 'http://kpi:8787' });
  });

  it('writes the URL to jsonData and flags one that is not http(s)', () => {
    const { last } = renderEditor(settings());
    const url = screen.getByTestId(selectors.configEditor.url);
    expect(url).toHaveAttribute('placeholder', 'http://127.0.0.1:8787');
    fireEvent.change(url, { target: { value: 'ftp://kpi' } });
    expect(screen.getByText('Enter an http:// or https:// URL.')).toBeInTheDocument();
    fireEvent.change(url, { target: { value: ' https://kpi.example.com ' } });
    expect(last().jsonData).toEqual({ url: 'https://kpi.example.com' });
    expect(screen.queryByText('Enter an http:// or https:// URL.')).not.toBeInTheDocument();
  });

  it('stores the timeout as a number, removes it when emptied, and rejects nonsense', () => {
    const { changes, last } = renderEditor(settings({ jsonData: { timeoutSeconds: 30 } }));
    const timeout = screen.getByTestId(selectors.configEditor.timeout);
    fireEvent.change(timeout, { target: { value: '45' } });
    expect(last().jsonData).toEqual({ timeoutSeconds: 45 });
    const before = changes.length;
    fireEvent.change(timeout, { target: { value: '0' } });
    expect(changes).toHaveLength(before);
    expect(screen.getByText(/whole number of seconds/)).toBeInTheDocument();
    fireEvent.change(timeout, { target: { value: '' } });
    expect(last().jsonData).toEqual({});
  });

  it('picks a common time zone or takes a typed one', () => {
    const { last } = renderEditor(settings());
    const input = screen.getByTestId(`${selectors.configEditor.timezone}-input`);
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.click(screen.getByText('Europe/Berlin'));
    expect(last().jsonData).toEqual({ timezone: 'Europe/Berlin' });
    fireEvent.change(input, { target: { value: 'Pacific/Auckland' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(last().jsonData).toEqual({ timezone: 'Pacific/Auckland' });
  });

  it('shows a URL provisioned as the datasource url, which the backend also reads', () => {
    renderEditor(settings({ url: 'http://kpi:8787' }));
    expect(screen.getByTestId(selectors.configEditor.url)).toHaveValue('http://kpi:8787');
  });

  it('flags an unknown time zone', () => {
    renderEditor(settings({ jsonData: { timezone: 'Mars/Olympus' } }));
    expect(screen.getByText(/Unknown IANA time zone "Mars\/Olympus"/)).toBeInTheDocument();
  });
});

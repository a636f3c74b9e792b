import { DataSourcePlugin } from '@grafana/data';
import type { ShopmonQuery } from '../kpi/datasourceQuery';
import { ConfigEditor } from './components/ConfigEditor';
import { ShopmonDataSource } from './datasource';
import type { ShopmonOptions, ShopmonSecureJsonData } from './types';
import { QueryEditor } from './views/QueryEditor';

export const plugin = new DataSourcePlugin<ShopmonDataSource, ShopmonQuery, ShopmonOptions, ShopmonSecureJsonData>(ShopmonDataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);

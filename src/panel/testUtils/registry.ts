import { standardEditorsRegistry } from '@grafana/data';

/** Grafana fills the editor registry at start-up; the options builders need these ids to exist. */
export function registerStubEditors() {
  const ids = ['number', 'slider', 'text', 'select', 'radio', 'boolean', 'color', 'unit', 'field-name', 'strings', 'timezone', 'dashboard-uid', 'multi-select'];
  standardEditorsRegistry.setInit(() => ids.map((id) => ({ id, name: id, editor: () => null })));
}

export { PanelStatus } from './PanelStatus';

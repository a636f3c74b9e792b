export { Funnel } from './Funnel';

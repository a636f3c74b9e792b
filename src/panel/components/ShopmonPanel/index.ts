export { ShopmonPanel } from './ShopmonPanel';

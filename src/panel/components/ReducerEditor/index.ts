export { ReducerEditor } from './ReducerEditor';

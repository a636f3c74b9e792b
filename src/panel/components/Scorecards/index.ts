export { Scorecards } from './Scorecards';

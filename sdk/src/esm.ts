// The module build, for shops that bundle their own JavaScript.
export { createLinger, type Command, type Config } from './api';
export type { EventName, EventProps, Item } from '../schema/events';

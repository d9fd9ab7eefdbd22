import { Foundation1795869600000 } from './1795869600000-foundation';

/** Every migration, oldest first. Listed explicitly so the same list works from ts and compiled js. */
export const migrations = [Foundation1795869600000];

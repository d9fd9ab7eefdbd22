import { readFileSync } from 'node:fs';
import path from 'node:path';
import { printCoalitionSchema } from '../src/graphql/schema';

describe('schema/schema.graphql', () => {
  it('is exactly the SDL the code emits (run `npm run schema` after changing the API)', () => {
    const committed = readFileSync(path.join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printCoalitionSchema()).toBe(committed);
  });
});

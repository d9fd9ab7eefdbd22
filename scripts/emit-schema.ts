import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { printCoalitionSchema } from '../src/graphql/schema';

/** `npm run schema`: writes the SDL that type-graphql builds to schema/schema.graphql. */
const target = path.join(__dirname, '..', '..', 'schema', 'schema.graphql');
writeFileSync(target, printCoalitionSchema());
console.log(`wrote ${path.relative(process.cwd(), target)}`);

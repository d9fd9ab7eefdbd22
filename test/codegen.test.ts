import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

describe('front-end types (codegen.yml)', () => {
  it('are current: test/generated matches what `npm run codegen` produces from schema/ and test/graphql', async () => {
    const root = path.join(__dirname, '..');
    // --check generates in memory and exits non-zero when a committed output differs.
    const run = promisify(execFile)(path.join(root, 'node_modules', '.bin', 'graphql-codegen'), ['--config', 'codegen.yml', '--check'], {
      cwd: root,
    });
    await expect(run).resolves.toBeDefined();
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { TiktokenCounter, o200kTables } from './core/token-counter.js';
import { TOKEN_TABLES_FILE } from './token-tables.js';

/**
 * The last step of `npm run build`: `node dist/write-token-tables.js` writes the tokenizer's
 * tables where the compiled program looks for them (`TOKEN_TABLES_FILE`, next to this file's
 * compiled form), so the build and the program cannot disagree on the place.
 */
const tables = o200kTables();
// Read back before writing: a blob the program would reject must fail the build instead.
if (new TiktokenCounter(tables).countText('The quick brown fox jumps over the lazy dog.') !== 10) {
  throw new Error('the token tables written do not count as o200k_base does');
}
mkdirSync(new URL('.', TOKEN_TABLES_FILE), { recursive: true });
writeFileSync(TOKEN_TABLES_FILE, tables);

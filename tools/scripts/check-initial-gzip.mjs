// Fails when the web app's initial bundle, as a browser downloads it (gzip), exceeds the budget.
// Angular's own budgets count raw bytes only; this is the transferred size the issue asks for.
// Usage: node tools/scripts/check-initial-gzip.mjs <browser dist dir> <max gzip bytes>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const [dir, maxBytesText] = process.argv.slice(2);
const maxBytes = Number(maxBytesText);
if (!dir || !Number.isInteger(maxBytes)) {
  console.error('usage: check-initial-gzip.mjs <dir> <max gzip bytes>');
  process.exit(2);
}
const html = readFileSync(join(dir, 'index.html'), 'utf8');
// What index.html loads before the app runs: module scripts and stylesheets.
const references = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((match) => match[1]);
const files = [...new Set(references)];
if (files.length === 0) {
  console.error(`no scripts or stylesheets referenced by ${join(dir, 'index.html')}`);
  process.exit(1);
}
let total = 0;
for (const file of files) {
  const bytes = gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
  total += bytes;
  console.log(`${file}: ${(bytes / 1000).toFixed(1)} kB gzip`);
}
console.log(`initial bundle: ${(total / 1000).toFixed(1)} kB gzip (budget ${(maxBytes / 1000).toFixed(0)} kB)`);
if (total > maxBytes) {
  console.error('over budget');
  process.exit(1);
}

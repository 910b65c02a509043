// Keeps the container files honest without a Docker engine (CI has none):
// - the Dockerfile passes dockerfile-utils' linter (syntax, instructions, arguments);
// - it runs as a non-root user, has a HEALTHCHECK, and installs production dependencies only;
// - every environment variable compose.yaml and the Dockerfile set is one the README documents
//   (a renamed variable would otherwise be silently ignored in production).
import { readFileSync } from 'node:fs';
import { validate } from 'dockerfile-utils';

const read = (file) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
const dockerfile = read('Dockerfile');
const compose = read('compose.yaml');
const readme = read('README.md');
const problems = [];

for (const diagnostic of validate(dockerfile)) {
  problems.push(`Dockerfile:${diagnostic.range.start.line + 1}: ${diagnostic.message}`);
}
const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
if (!/^USER (?!root\b)\S+/m.test(runtime)) problems.push('Dockerfile: the runtime stage must switch to a non-root USER');
if (!/^HEALTHCHECK /m.test(runtime)) problems.push('Dockerfile: the runtime stage needs a HEALTHCHECK');
if (!/npm (install|ci) --omit=dev/.test(runtime)) problems.push('Dockerfile: the runtime stage must install production dependencies only (--omit=dev)');

// Variables the README's configuration table documents (`NAME` in its first column, several per row allowed).
const documented = new Set();
for (const row of readme.split('\n').filter((line) => line.startsWith('| `'))) {
  for (const [, name] of row.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)) documented.add(name);
}
const runtimeOnly = new Set(['NODE_ENV', 'NX_DAEMON', 'NX_NO_CLOUD', 'NX_TUI']);
const composeVariables = [...compose.matchAll(/^\s{4}([A-Z][A-Z0-9_]*):/gm)].map((match) => match[1]);
const dockerVariables = [...runtime.matchAll(/^ENV (.+)$/gm)].flatMap((match) => [...match[1].matchAll(/([A-Z][A-Z0-9_]*)=/g)].map((m) => m[1]));
for (const [file, names] of [['compose.yaml', composeVariables], ['Dockerfile', dockerVariables]]) {
  for (const name of names) {
    if (!documented.has(name) && !runtimeOnly.has(name)) problems.push(`${file}: ${name} is not in the README's configuration table`);
  }
}
if (composeVariables.length === 0) problems.push('compose.yaml: no environment variables found (has its layout changed?)');

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`containers: Dockerfile lint clean; ${composeVariables.length + dockerVariables.length} variables, all documented`);

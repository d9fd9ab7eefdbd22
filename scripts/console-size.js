#!/usr/bin/env node
// The gzipped JavaScript and CSS each role downloads on its first load of the console: the entry
// chunk and everything it imports statically, plus that role's lazily loaded console and its
// static imports (pages it loads later on demand are listed apart). Reads web/dist's manifest.
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { gzipSync } = require('node:zlib');

const dist = path.join(__dirname, '..', 'web', 'dist');
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'));
const gz = (file) => gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;

/** Files loaded with a chunk: itself, its CSS, and its static imports, recursively. */
function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const dep of manifest[key].imports ?? []) closure(dep, seen);
  return seen;
}
const files = (keys) => new Set([...keys].flatMap((k) => [manifest[k].file, ...(manifest[k].css ?? [])]));
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
const shell = closure(entry);
console.log('| role | first load, gzipped JS + CSS | of which the shared shell | loaded later on demand |');
console.log('|---|---:|---:|---:|');
for (const role of ['operator', 'partner', 'member']) {
  const key = `src/${role}/index.tsx`;
  const first = files(closure(key, new Set(shell)));
  const later = new Set();
  for (const k of closure(key))
    if (!shell.has(k))
      for (const lazy of manifest[k].dynamicImports ?? []) for (const f of files(closure(lazy))) if (!first.has(f)) later.add(f);
  const sum = (set) => [...set].reduce((total, f) => total + gz(f), 0);
  console.log(`| ${role} | ${kb(sum(first))} | ${kb(sum(files(shell)))} | ${kb(sum(later))} |`);
}

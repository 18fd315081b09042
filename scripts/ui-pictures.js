#!/usr/bin/env node
// Copies the browser suite's README pictures (the `.jpeg` screenshots in test-results/ui) into docs/images.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const from = path.join(root, 'test-results', 'ui');
const to = path.join(root, 'docs', 'images');
const pictures = fs.existsSync(from) ? fs.readdirSync(from).filter((f) => f.endsWith('.jpeg')) : [];
if (pictures.length === 0) {
	console.error(`no .jpeg screenshots in ${from}: run npm run test:ui first`);
	process.exit(1);
}
fs.mkdirSync(to, { recursive: true });
for (const file of pictures) fs.copyFileSync(path.join(from, file), path.join(to, file));
console.log(`${pictures.length} pictures copied into docs/images: ${pictures.join(', ')}`);

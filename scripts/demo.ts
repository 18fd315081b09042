/**
 * `npm run demo`: a product photo → Replace Background → Reframe to two banner sizes → Edit a
 * price-tag region, run through n8n's own engine with the built package. By default it runs
 * against the local sandbox providers (the test fakes), so no API key is needed; with a real key
 * in the environment it runs the same workflow against the real provider:
 *
 *   DEMO_PROVIDER=runComfy|runware|cometApi|ideogram (default runComfy)
 *   RUNCOMFY_API_KEY / RUNWARE_API_KEY / COMETAPI_API_KEY / IDEOGRAM_API_KEY
 *   DEMO_IMAGE_URL (real providers that fetch images themselves need a public URL for RunComfy)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { INode } from 'n8n-workflow';
import sharp from 'sharp';

import { binaryBytes, runWorkflow, shutdownEngine, type WorkflowJson } from '../test/harness/engine';
import { chain, CREDENTIAL_TYPE, imageItem, packageNode } from '../test/harness/workflows';
import { startFake, type FakeServer } from '../test/fakes';
import { REAL_PROVIDERS as PROVIDERS, type Provider } from './providers';

/** A stand-in product photo: a bottle with a price tag on a plain background. */
async function productPhoto(): Promise<Buffer> {
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="1024">
		<rect width="1024" height="1024" fill="#d9d4cc"/>
		<rect x="402" y="260" width="220" height="560" rx="60" fill="#2f6d4f"/>
		<rect x="452" y="170" width="120" height="110" rx="20" fill="#1f3d2e"/>
		<rect x="430" y="460" width="164" height="170" rx="12" fill="#f4efe6"/>
		<rect x="640" y="620" width="200" height="110" rx="14" fill="#c0392b"/>
		<text x="740" y="690" font-size="54" font-family="Arial" font-weight="700" fill="#fff" text-anchor="middle">$24</text>
	</svg>`;
	return await sharp(Buffer.from(svg)).png().toBuffer();
}

// The price tag sits at 62–82 % across and 60–72 % down in the original framing.
const PRICE_TAG = { unit: 'percent', x: 55, y: 55, width: 35, height: 25 };

/** The Edit's mask as the node makes it from the region (white = the area to repaint), for the contact sheet. */
function maskPicture(): string {
	const { x, y, width, height } = PRICE_TAG;
	return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="256" height="256"><rect width="100" height="100" fill="#000"/><rect x="${x}" y="${y}" width="${width}" height="${height}" fill="#fff"/></svg>`;
}

/** demo-output/index.html: the input, the Edit's mask and every output side by side. */
function contactSheet(outDir: string, provider: string, outputs: Array<{ node: string; file: string; resolution: string }>): string {
	const cell = (title: string, img: string) => `<figure><img src="${img}" alt="${title}"><figcaption>${title}</figcaption></figure>`;
	const html = `<!doctype html><meta charset="utf-8"><title>Ideogram demo (${provider})</title>
<style>body{font:14px sans-serif;margin:2em}figure{display:inline-block;margin:0 1em 1em 0;vertical-align:top}img{max-width:256px;max-height:256px;border:1px solid #ccc}</style>
<h1>Ideogram demo on ${provider}</h1>
${cell('Input', 'input.png')}${cell('Edit mask (white: repainted)', `data:image/svg+xml,${encodeURIComponent(maskPicture())}`)}
${outputs.map((o) => cell(`${o.node} · ${o.resolution}`, o.file)).join('\n')}
`;
	const file = path.join(outDir, 'index.html');
	writeFileSync(file, html);
	return file;
}

function demoWorkflow(provider: Provider, photo: Buffer, imageUrl?: string): WorkflowJson {
	const image = imageUrl ? { imageSource: 'url', imageUrl } : { imageSource: 'binary', imageBinaryProperty: 'data' };
	const background = packageNode('Replace Background', 'ideogramReplaceBackground', {
		provider,
		...image,
		prompt: 'on a sunlit marble kitchen counter, soft morning light',
		options: { renderingSpeed: 'TURBO' },
	});
	const reframe = (name: string, resolution: string): INode => ({
		...packageNode(name, 'ideogramReframe', { provider, imageSource: 'binary', resolution, options: { renderingSpeed: 'TURBO' } }),
		position: [400, name.includes('Wide') ? -100 : 100],
	});
	const wide = reframe('Reframe Wide Banner', '1344x768');
	const tall = reframe('Reframe Tall Banner', '768x1344');
	const priceTag = packageNode('Edit Price Tag', 'ideogramEdit', {
		provider,
		imageSource: 'binary',
		prompt: 'a red price tag reading $19',
		maskSource: 'region',
		maskRegions: { regions: [PRICE_TAG] },
		options: { renderingSpeed: 'TURBO' },
	});
	const workflow = chain([imageItem(photo)], background);
	workflow.nodes.push(wide, tall, priceTag);
	workflow.connections['Replace Background'] = {
		main: [[
			{ node: wide.name, type: 'main', index: 0 },
			{ node: tall.name, type: 'main', index: 0 },
		]],
	};
	workflow.connections[wide.name] = { main: [[{ node: priceTag.name, type: 'main', index: 0 }]] };
	return workflow;
}

async function main() {
	const provider = (process.env.DEMO_PROVIDER ?? 'runComfy') as Provider;
	const spec = PROVIDERS[provider];
	if (!spec) throw new Error(`DEMO_PROVIDER must be one of ${Object.keys(PROVIDERS).join(', ')}`);
	const realKey = process.env[spec.keyVar];
	let fake: FakeServer | undefined;
	let credentials = { apiKey: realKey ?? '', baseUrl: spec.baseUrl };
	if (!realKey) {
		fake = await startFake(provider, { jobDurationMs: () => 300 + Math.random() * 400 });
		credentials = { apiKey: fake.apiKey, baseUrl: fake.url };
	}
	console.log(`Demo: ${provider} ${realKey ? '(real API, this costs credit)' : `(local sandbox at ${fake!.url}, no key needed)`}`);

	const photo = await productPhoto();
	const workflow = demoWorkflow(provider, photo, process.env.DEMO_IMAGE_URL);
	const started = Date.now();
	const result = await runWorkflow(workflow, { credentials: { [CREDENTIAL_TYPE[provider]]: credentials } });

	const outDir = path.resolve(__dirname, '..', 'demo-output');
	mkdirSync(outDir, { recursive: true });
	writeFileSync(path.join(outDir, 'input.png'), photo);
	const sheet: Array<{ node: string; file: string; resolution: string }> = [];
	let written = 0;
	let failed = false;
	for (const node of workflow.nodes.slice(1)) {
		const error = result.error(node.name);
		if (error) {
			failed = true;
			console.error(`✗ ${node.name}: ${error.message}`);
			continue;
		}
		for (const item of result.output(node.name)) {
			const binary = item.binary?.data;
			const json = item.json;
			if (!binary) continue;
			const file = path.join(outDir, `${node.name.toLowerCase().replace(/\s+/g, '-')}-${binary.fileName}`);
			writeFileSync(file, await binaryBytes(binary));
			written++;
			sheet.push({ node: node.name, file: path.basename(file), resolution: String(json.resolution) });
			console.log(`✓ ${node.name.padEnd(22)} ${String(json.resolution).padEnd(10)} seed ${json.seed ?? '-'}  request ${json.requestId}  → ${path.relative(process.cwd(), file)}`);
		}
	}
	console.log(`${written} images in ${path.relative(process.cwd(), outDir)}/ after ${((Date.now() - started) / 1000).toFixed(1)} s`);
	console.log(`contact sheet: ${contactSheet(outDir, provider, sheet)}`);
	await fake?.close();
	await shutdownEngine();
	if (failed || written === 0) process.exit(1);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

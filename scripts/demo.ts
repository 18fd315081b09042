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
import { chain, CREDENTIAL_TYPE, imageItem, packageNode, PROVIDER_LABEL } from '../test/harness/workflows';
import { startFake, type FakeServer } from '../test/fakes';
import { REAL_PROVIDERS as PROVIDERS, type Provider } from './providers';

const PHOTO_SIZE = 1024;
/** The price tag on the photo, in pixels. */
export const PRICE_TAG = { x: 640, y: 620, width: 200, height: 110 };

/** A stand-in product photo: a bottle with a price tag on a plain background. */
export async function productPhoto(): Promise<Buffer> {
	const { x, y, width, height } = PRICE_TAG;
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${PHOTO_SIZE}" height="${PHOTO_SIZE}">
		<rect width="${PHOTO_SIZE}" height="${PHOTO_SIZE}" fill="#d9d4cc"/>
		<rect x="402" y="260" width="220" height="560" rx="60" fill="#2f6d4f"/>
		<rect x="452" y="170" width="120" height="110" rx="20" fill="#1f3d2e"/>
		<rect x="430" y="460" width="164" height="170" rx="12" fill="#f4efe6"/>
		<rect x="${x}" y="${y}" width="${width}" height="${height}" rx="14" fill="#c0392b"/>
		<text x="${x + width / 2}" y="${y + 70}" font-size="54" font-family="Arial" font-weight="700" fill="#fff" text-anchor="middle">$24</text>
	</svg>`;
	return await sharp(Buffer.from(svg)).png().toBuffer();
}

/** The banner the Edit repaints the price tag on. */
export const EDITED_BANNER = { name: 'Reframe Wide Banner', resolution: '1344x768', width: 1344, height: 768 };

/**
 * The Edit's region, in percent of the banner it edits: the price tag where a reframe puts it. A
 * reframe keeps the whole photo, scaled to fit the banner and centred, and fills the rest (as the
 * sandbox does); a few pixels of margin take in the tag's soft edge.
 */
export function priceTagRegion(banner: { width: number; height: number } = EDITED_BANNER) {
	const scale = Math.min(banner.width / PHOTO_SIZE, banner.height / PHOTO_SIZE);
	const left = (banner.width - PHOTO_SIZE * scale) / 2;
	const top = (banner.height - PHOTO_SIZE * scale) / 2;
	const margin = 8;
	const percent = (pixels: number, of: number) => Math.round((pixels / of) * 1000) / 10;
	return {
		unit: 'percent',
		x: percent(left + (PRICE_TAG.x - margin) * scale, banner.width),
		y: percent(top + (PRICE_TAG.y - margin) * scale, banner.height),
		width: percent((PRICE_TAG.width + 2 * margin) * scale, banner.width),
		height: percent((PRICE_TAG.height + 2 * margin) * scale, banner.height),
	};
}

/** The Edit's mask as the node makes it from the region (white = the area to repaint), at the banner's shape. */
function maskPicture(): string {
	const { x, y, width, height } = priceTagRegion();
	const shape = `viewBox="0 0 100 100" preserveAspectRatio="none" width="256" height="${Math.round((256 * EDITED_BANNER.height) / EDITED_BANNER.width)}"`;
	return `<svg xmlns="http://www.w3.org/2000/svg" ${shape}><rect width="100" height="100" fill="#000"/><rect x="${x}" y="${y}" width="${width}" height="${height}" fill="#fff"/></svg>`;
}

interface SheetImage {
	node: string;
	file: string;
	resolution: string;
}

/** demo-output/index.html: the input, the Edit's mask (alone and on the banner it edits) and every output side by side. */
function contactSheet(outDir: string, providerLabel: string, outputs: SheetImage[]): string {
	const cell = (title: string, img: string) => `<figure><img src="${img}" alt="${title}"><figcaption>${title}</figcaption></figure>`;
	const { x, y, width, height } = priceTagRegion();
	const banner = outputs.find((o) => o.node === EDITED_BANNER.name);
	const onBanner = banner
		? `<figure><div class="over"><img src="${banner.file}" alt="${banner.node}"><div class="region" style="left:${x}%;top:${y}%;width:${width}%;height:${height}%"></div></div><figcaption>Edit region on the ${banner.node.replace(/^Reframe /, '').toLowerCase()}</figcaption></figure>`
		: '';
	const html = `<!doctype html><meta charset="utf-8"><title>Ideogram demo on ${providerLabel}</title>
<style>body{font:14px sans-serif;margin:2em}figure{display:inline-block;margin:0 1em 1em 0;vertical-align:top}img{max-width:256px;max-height:256px;border:1px solid #ccc;display:block}.over{position:relative;display:inline-block}.region{position:absolute;box-sizing:border-box;border:2px dashed #fff;outline:2px dashed #000;background:rgba(255,255,255,.25)}</style>
<h1>Ideogram demo on ${providerLabel}</h1>
${cell('Input', 'input.png')}${cell('Edit mask (white: repainted)', `data:image/svg+xml,${encodeURIComponent(maskPicture())}`)}${onBanner}
${outputs.map((o) => cell(`${o.node} · ${o.resolution}`, o.file)).join('\n')}
`;
	const file = path.join(outDir, 'index.html');
	writeFileSync(file, html);
	return file;
}

export function demoWorkflow(provider: Provider, photo: Buffer, imageUrl?: string): WorkflowJson {
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
	const wide = reframe(EDITED_BANNER.name, EDITED_BANNER.resolution);
	const tall = reframe('Reframe Tall Banner', '768x1344');
	const priceTag = packageNode('Edit Price Tag', 'ideogramEdit', {
		provider,
		imageSource: 'binary',
		prompt: 'a red price tag reading $19',
		maskSource: 'region',
		maskRegions: { regions: [priceTagRegion()] },
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
	const label = PROVIDER_LABEL[provider];
	console.log(`Demo: ${label} ${realKey ? '(real API, this costs credit)' : `(local sandbox at ${fake!.url}, no key needed)`}`);

	const photo = await productPhoto();
	const workflow = demoWorkflow(provider, photo, process.env.DEMO_IMAGE_URL);
	const started = Date.now();
	const result = await runWorkflow(workflow, { credentials: { [CREDENTIAL_TYPE[provider]]: credentials } });

	const outDir = path.resolve(__dirname, '..', 'demo-output');
	mkdirSync(outDir, { recursive: true });
	writeFileSync(path.join(outDir, 'input.png'), photo);
	const sheet: SheetImage[] = [];
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
	console.log(`contact sheet: ${contactSheet(outDir, label, sheet)}`);
	await fake?.close();
	await shutdownEngine();
	if (failed || written === 0) process.exit(1);
}

if (require.main === module) {
	main().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}

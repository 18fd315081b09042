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

type Provider = 'runComfy' | 'runware' | 'cometApi' | 'ideogram';
const PROVIDERS: Record<Provider, { keyVar: string; baseUrl: string }> = {
	runComfy: { keyVar: 'RUNCOMFY_API_KEY', baseUrl: 'https://model-api.runcomfy.net' },
	runware: { keyVar: 'RUNWARE_API_KEY', baseUrl: 'https://api.runware.ai' },
	cometApi: { keyVar: 'COMETAPI_API_KEY', baseUrl: 'https://api.cometapi.com' },
	ideogram: { keyVar: 'IDEOGRAM_API_KEY', baseUrl: 'https://api.ideogram.ai' },
};

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
	// The price tag sits at 62–82 % across and 60–72 % down in the original framing.
	const priceTag = packageNode('Edit Price Tag', 'ideogramEdit', {
		provider,
		imageSource: 'binary',
		prompt: 'a red price tag reading $19',
		maskSource: 'region',
		maskRegions: { regions: [{ unit: 'percent', x: 55, y: 55, width: 35, height: 25 }] },
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

	const workflow = demoWorkflow(provider, await productPhoto(), process.env.DEMO_IMAGE_URL);
	const started = Date.now();
	const result = await runWorkflow(workflow, { credentials: { [CREDENTIAL_TYPE[provider]]: credentials } });

	const outDir = path.resolve(__dirname, '..', 'demo-output');
	mkdirSync(outDir, { recursive: true });
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
			console.log(`✓ ${node.name.padEnd(22)} ${String(json.resolution).padEnd(10)} seed ${json.seed ?? '-'}  request ${json.requestId}  → ${path.relative(process.cwd(), file)}`);
		}
	}
	console.log(`${written} images in ${path.relative(process.cwd(), outDir)}/ after ${((Date.now() - started) / 1000).toFixed(1)} s`);
	await fake?.close();
	await shutdownEngine();
	if (failed || written === 0) process.exit(1);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

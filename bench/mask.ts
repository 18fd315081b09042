/**
 * How long preparing an Edit mask takes at the largest size a user is likely to send: a 2048²
 * PNG mask stretched to a 4096² image (decode, threshold, resize, count, encode).
 * Run alone with `npx tsx bench/mask.ts`.
 */
import sharp from 'sharp';

import { prepareMask } from '../nodes/shared/image';
import { percentile, round } from './lib/common';

export type MaskResult = Awaited<ReturnType<typeof benchMaskPreparation>>;

export async function benchMaskPreparation(runs = 15) {
	// As an editor exports it: RGB PNG, white background, black shapes with anti-aliased edges.
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="2048" height="2048"><rect width="100%" height="100%" fill="#fff"/>
		<ellipse cx="1024" cy="1100" rx="620" ry="410" fill="#000"/><rect x="120" y="140" width="300" height="900" fill="#000"/>
		<path d="M1500 200 C 1900 300, 1700 700, 1950 900" stroke="#000" stroke-width="90" fill="none"/></svg>`;
	const mask = await sharp(Buffer.from(svg)).removeAlpha().png().toBuffer();
	const prepare = () => prepareMask({ imageWidth: 4096, imageHeight: 4096, mask, editColor: 'black', providerEditColor: 'white' });
	// The first two calls load sharp's codecs and warm V8: not what a workflow pays per item.
	for (let i = 0; i < 2; i++) await prepare();
	const timesMs: number[] = [];
	for (let i = 0; i < runs; i++) {
		const start = performance.now();
		await prepare();
		timesMs.push(performance.now() - start);
	}
	return { medianMs: round(percentile(timesMs, 50), 1), p95Ms: round(percentile(timesMs, 95), 1), runs };
}

if (require.main === module) {
	void benchMaskPreparation().then((r) => console.log(`prepareMask 2048² PNG → 4096²: median ${r.medianMs} ms, p95 ${r.p95Ms} ms over ${r.runs} runs`));
}

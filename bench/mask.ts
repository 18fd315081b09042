/**
 * How long preparing an Edit mask takes at the largest size a user is likely to send: a 2048×2048
 * PNG mask stretched to a 4096×4096 image (decode, threshold, resize, count, encode).
 * Run directly with `npx tsx bench/mask.ts`.
 */
import sharp from 'sharp';

import { prepareMask } from '../nodes/shared/mask';

const MASK_SIDE = 2048;
const IMAGE_SIDE = 4096;
const WARM_UP_RUNS = 2;

export interface BenchResult {
	medianMs: number;
	p95Ms: number;
	runs: number;
}

export async function benchMaskPreparation(runs = 15): Promise<BenchResult> {
	const mask = await drawUserMask();
	const prepare = () =>
		prepareMask({ imageWidth: IMAGE_SIDE, imageHeight: IMAGE_SIDE, mask, editColor: 'black', providerEditColor: 'white' });
	// The first calls load sharp's codecs and warm V8; they are not what a workflow run pays per item.
	for (let i = 0; i < WARM_UP_RUNS; i++) await prepare();
	const timesMs: number[] = [];
	for (let i = 0; i < runs; i++) {
		const start = performance.now();
		await prepare();
		timesMs.push(performance.now() - start);
	}
	timesMs.sort((a, b) => a - b);
	return { medianMs: round(percentile(timesMs, 50)), p95Ms: round(percentile(timesMs, 95)), runs };
}

/** A mask as an editor exports it: RGB PNG, white background, black shapes with anti-aliased edges. */
async function drawUserMask(): Promise<Buffer> {
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${MASK_SIDE}" height="${MASK_SIDE}">
		<rect width="100%" height="100%" fill="#fff"/>
		<ellipse cx="1024" cy="1100" rx="620" ry="410" fill="#000"/>
		<rect x="120" y="140" width="300" height="900" fill="#000"/>
		<path d="M1500 200 C 1900 300, 1700 700, 1950 900" stroke="#000" stroke-width="90" fill="none"/>
	</svg>`;
	return sharp(Buffer.from(svg)).removeAlpha().png().toBuffer();
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function round(ms: number): number {
	return Math.round(ms * 10) / 10;
}

if (require.main === module) {
	benchMaskPreparation().then(
		(result) => {
			console.log(
				`prepareMask ${MASK_SIDE}² PNG → ${IMAGE_SIDE}²: median ${result.medianMs} ms, p95 ${result.p95Ms} ms over ${result.runs} runs`,
			);
		},
		(error: unknown) => {
			console.error(error);
			process.exitCode = 1;
		},
	);
}

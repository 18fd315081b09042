/**
 * The 69 Ideogram 3.0 output sizes (docs/providers/ideogram.md). One table, RunComfy's verbatim
 * `W:H (ratio)` labels from its reframe schema (RunComfy's model pages), is the single source: the official
 * `WxH` value, Runware's width/height and the ratio shown to users are all read from it, so the
 * RunComfy label is never computed (its ratios are not always reduced the obvious way, e.g.
 * `1312:736 (41:23)`).
 */

/** RunComfy's `resolution` enum for ideogram-v3/reframe, in its order. Default: `1152:864 (4:3)`. */
const RUNCOMFY_RESOLUTION_LABELS = [
	'1536:640 (12:5)', '1536:576 (8:3)', '1536:512 (3:1)', '1472:704 (23:11)', '1472:640 (23:10)',
	'1472:576 (23:9)', '1408:704 (2:1)', '1408:640 (11:5)', '1408:576 (22:9)', '1344:768 (7:4)',
	'1344:704 (21:11)', '1344:640 (21:10)', '1312:736 (41:23)', '1280:800 (8:5)', '1280:768 (5:3)',
	'1280:704 (20:11)', '1248:832 (3:2)', '1216:832 (19:13)', '1216:768 (19:12)', '1216:704 (19:11)',
	'1152:896 (9:7)', '1152:864 (4:3)', '1152:832 (18:13)', '1152:704 (18:11)', '1120:896 (5:4)',
	'1088:960 (17:15)', '1088:896 (17:14)', '1088:832 (17:13)', '1088:768 (17:12)', '1024:1024 (1:1)',
	'1024:960 (16:15)', '1024:896 (8:7)', '1024:832 (16:13)', '960:1088 (15:17)', '960:1024 (15:16)',
	'960:896 (15:14)', '960:832 (15:13)', '896:1152 (7:9)', '896:1120 (4:5)', '896:1088 (14:17)',
	'896:1024 (7:8)', '896:960 (14:15)', '864:1152 (3:4)', '832:1248 (2:3)', '832:1216 (13:19)',
	'832:1152 (13:18)', '832:1088 (13:17)', '832:1024 (13:16)', '832:960 (13:15)', '800:1280 (5:8)',
	'768:1344 (4:7)', '768:1280 (3:5)', '768:1216 (12:19)', '768:1088 (12:17)', '736:1312 (23:41)',
	'704:1472 (11:23)', '704:1408 (1:2)', '704:1344 (11:21)', '704:1280 (11:20)', '704:1216 (11:19)',
	'704:1152 (11:18)', '640:1536 (5:12)', '640:1472 (10:23)', '640:1408 (5:11)', '640:1344 (10:21)',
	'576:1536 (3:8)', '576:1472 (9:23)', '576:1408 (9:22)', '512:1536 (1:3)',
] as const;

type RunComfyResolutionLabel = (typeof RUNCOMFY_RESOLUTION_LABELS)[number];

interface Resolution {
	width: number;
	height: number;
	/** The official API's form and the node's parameter value, e.g. `1280x800`. */
	value: string;
	/** The aspect ratio RunComfy prints in its label, e.g. `8:5`. */
	ratio: string;
	/** RunComfy's label, verbatim, e.g. `1280:800 (8:5)`. */
	runComfyLabel: RunComfyResolutionLabel;
}

const LABEL_PATTERN = /^(\d+):(\d+) \((\d+:\d+)\)$/;

/** All 69 sizes, in RunComfy's order. */
const RESOLUTIONS: readonly Resolution[] = RUNCOMFY_RESOLUTION_LABELS.map((label) => {
	const match = LABEL_PATTERN.exec(label);
	if (!match) throw new Error(`Malformed resolution label ${label}`);
	const width = Number(match[1]);
	const height = Number(match[2]);
	return { width, height, value: `${width}x${height}`, ratio: match[3], runComfyLabel: label };
});

const BY_VALUE = new Map(RESOLUTIONS.map((r) => [r.value, r]));

/** The `WxH` form of a size. */
export function resolutionValue(size: { width: number; height: number }): string {
	return `${size.width}x${size.height}`;
}

/** One of the 69 sizes, or undefined. */
function findResolution(width: number, height: number): Resolution | undefined {
	return BY_VALUE.get(`${width}x${height}`);
}

/**
 * Reads `1280x800` (also `1280X800`, `1280×800`, `1280 x 800`) or a RunComfy label
 * `1280:800 (8:5)`; undefined unless it is one of the 69 sizes.
 */
export function parseResolution(text: string): Resolution | undefined {
	const trimmed = text.trim();
	const plain = /^(\d+)\s*[xX×]\s*(\d+)$/.exec(trimmed);
	if (plain) return findResolution(Number(plain[1]), Number(plain[2]));
	const label = LABEL_PATTERN.exec(trimmed);
	if (label) {
		const found = findResolution(Number(label[1]), Number(label[2]));
		return found?.runComfyLabel === trimmed ? found : undefined;
	}
	return undefined;
}

/** RunComfy's label for a size, or undefined when it is not one of the 69. */
export function runComfyResolutionLabel(size: { width: number; height: number }): RunComfyResolutionLabel | undefined {
	return findResolution(size.width, size.height)?.runComfyLabel;
}

/** Aspect ratios people search for, widest first. Each size is shown under the nearest one. */
const FAMILIAR_RATIOS: ReadonlyArray<readonly [string, number]> = [
	['3:1', 3],
	['21:9', 21 / 9],
	['2:1', 2],
	['16:9', 16 / 9],
	['16:10', 16 / 10],
	['3:2', 3 / 2],
	['4:3', 4 / 3],
	['5:4', 5 / 4],
	['1:1', 1],
	['4:5', 4 / 5],
	['3:4', 3 / 4],
	['2:3', 2 / 3],
	['10:16', 10 / 16],
	['9:16', 9 / 16],
	['1:2', 1 / 2],
	['9:21', 9 / 21],
	['1:3', 1 / 3],
];

/** The familiar ratio nearest to a size (compared on a log scale, so 2:1 and 1:2 are symmetric). */
function familiarRatio(size: { width: number; height: number }): { name: string; exact: boolean } {
	const actual = Math.log(size.width / size.height);
	let best = FAMILIAR_RATIOS[0];
	for (const candidate of FAMILIAR_RATIOS) {
		if (Math.abs(Math.log(candidate[1]) - actual) < Math.abs(Math.log(best[1]) - actual)) best = candidate;
	}
	return { name: best[0], exact: Math.abs(Math.log(best[1]) - actual) < 1e-9 };
}

/**
 * Options for the Reframe `resolution` parameter: `16:9-ish — 1344x768 (7:4)`, `1:1 — 1024x1024 (1:1)`,
 * sorted from the widest landscape through square to the tallest portrait, so a user typing
 * "16:9" finds its sizes together. The value is always `WxH`.
 */
export function resolutionOptions(): Array<{ name: string; value: string }> {
	return [...RESOLUTIONS]
		.sort((a, b) => b.width / b.height - a.width / a.height || b.width - a.width)
		.map((r) => {
			const family = familiarRatio(r);
			const prefix = family.exact ? family.name : `${family.name}-ish`;
			return { name: `${prefix} — ${r.value} (${r.ratio})`, value: r.value };
		});
}

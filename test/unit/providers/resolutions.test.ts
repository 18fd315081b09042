import { parseResolution, resolutionOptions, runComfyResolutionLabel } from '../../../nodes/shared/providers/resolutions';
import { stylePresetOptions } from '../../../nodes/shared/providers/stylePresets';

/** Verbatim from RunComfy's model page (RunComfy ideogram-v3/reframe input schema, `resolution.enum`). */
const SEED_RUNCOMFY_LABELS = [
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
];

/** Verbatim from docs/providers/ideogram.md (official `ResolutionV3`). */
const APPENDIX_A =
	'512x1536, 576x1408, 576x1472, 576x1536, 640x1344, 640x1408, 640x1472, 640x1536, 704x1152, 704x1216, 704x1280, 704x1344, 704x1408, 704x1472, 736x1312, 768x1088, 768x1216, 768x1280, 768x1344, 800x1280, 832x960, 832x1024, 832x1088, 832x1152, 832x1216, 832x1248, 864x1152, 896x960, 896x1024, 896x1088, 896x1120, 896x1152, 960x832, 960x896, 960x1024, 960x1088, 1024x832, 1024x896, 1024x960, 1024x1024, 1088x768, 1088x832, 1088x896, 1088x960, 1120x896, 1152x704, 1152x832, 1152x864, 1152x896, 1216x704, 1216x768, 1216x832, 1248x832, 1280x704, 1280x768, 1280x800, 1312x736, 1344x640, 1344x704, 1344x768, 1408x576, 1408x640, 1408x704, 1472x576, 1472x640, 1472x704, 1536x512, 1536x576, 1536x640'.split(
		', ',
	);

describe('resolutions', () => {
	it('holds RunComfy’s 69 labels verbatim, one for each size offered', () => {
		expect(SEED_RUNCOMFY_LABELS).toHaveLength(69);
		const labels = resolutionOptions().map((o) => {
			const [width, height] = o.value.split('x').map(Number);
			return runComfyResolutionLabel({ width, height });
		});
		expect(labels.sort()).toEqual([...SEED_RUNCOMFY_LABELS].sort());
		for (const label of SEED_RUNCOMFY_LABELS) expect(parseResolution(label)?.runComfyLabel).toBe(label);
	});

	it('gives the same 69 WxH sizes as the official API', () => {
		expect(APPENDIX_A).toHaveLength(69);
		expect(resolutionOptions().map((o) => o.value).sort()).toEqual([...APPENDIX_A].sort());
		for (const value of APPENDIX_A) expect(parseResolution(value)).toMatchObject({ value, width: Number(value.split('x')[0]), height: Number(value.split('x')[1]) });
	});

	it('maps each size to its label without computing the ratio', () => {
		expect(runComfyResolutionLabel({ width: 1280, height: 800 })).toBe('1280:800 (8:5)');
		expect(runComfyResolutionLabel({ width: 1312, height: 736 })).toBe('1312:736 (41:23)');
		expect(runComfyResolutionLabel({ width: 1152, height: 864 })).toBe('1152:864 (4:3)');
		expect(runComfyResolutionLabel({ width: 1000, height: 1000 })).toBeUndefined();
		expect(parseResolution('512x1536')?.ratio).toBe('1:3');
	});

	it('parses the forms users and providers write', () => {
		expect(parseResolution('1280x800')).toMatchObject({ width: 1280, height: 800 });
		expect(parseResolution(' 1280 X 800 ')).toMatchObject({ width: 1280, height: 800 });
		expect(parseResolution('1280×800')).toMatchObject({ width: 1280, height: 800 });
		expect(parseResolution('1280:800 (8:5)')).toMatchObject({ width: 1280, height: 800 });
		expect(parseResolution('1280:800 (16:10)')).toBeUndefined();
		expect(parseResolution('1280x801')).toBeUndefined();
		expect(parseResolution('big')).toBeUndefined();
	});

	it('offers the sizes grouped by familiar ratio, landscape → square → portrait', () => {
		const options = resolutionOptions();
		expect(options).toHaveLength(69);
		expect(new Set(options.map((o) => o.value)).size).toBe(69);
		expect(options).toContainEqual({ name: '16:9-ish — 1344x768 (7:4)', value: '1344x768' });
		expect(options).toContainEqual({ name: '1:1 — 1024x1024 (1:1)', value: '1024x1024' });
		expect(options).toContainEqual({ name: '16:10 — 1280x800 (8:5)', value: '1280x800' });
		expect(options).toContainEqual({ name: '9:16-ish — 768x1344 (4:7)', value: '768x1344' });
		expect(options[0].value).toBe('1536x512');
		expect(options[options.length - 1].value).toBe('512x1536');
		const ratios = options.map((o) => {
			const [w, h] = o.value.split('x').map(Number);
			return w / h;
		});
		for (let i = 1; i < ratios.length; i++) expect(ratios[i]).toBeLessThanOrEqual(ratios[i - 1]);
		// each familiar ratio's sizes sit together
		const families = options.map((o) => o.name.split(' — ')[0].replace('-ish', ''));
		const seen = new Set<string>();
		families.forEach((f, i) => {
			if (i > 0 && families[i - 1] !== f) expect(seen.has(f)).toBe(false);
			seen.add(f);
		});
	});

	it('reads ratios symmetrically', () => {
		expect(resolutionOptions()).toContainEqual({ name: '2:1 — 1408x704 (2:1)', value: '1408x704' });
		expect(resolutionOptions()).toContainEqual({ name: '1:2 — 704x1408 (1:2)', value: '704x1408' });
	});
});

describe('style presets', () => {
	it('lists the 62 presets', () => {
		const values = stylePresetOptions().map((o) => o.value);
		expect(values).toHaveLength(62);
		expect(new Set(values).size).toBe(62);
		expect(values).toContain('BAUHAUS');
		expect(values).not.toContain('bauhaus');
	});

	it('labels them readably', () => {
		const options = stylePresetOptions();
		expect(options).toContainEqual({ name: '80s Illustration', value: '80S_ILLUSTRATION' });
		expect(options).toContainEqual({ name: 'Graffiti II', value: 'GRAFFITI_II' });
		expect(options).toContainEqual({ name: 'C4D Cartoon', value: 'C4D_CARTOON' });
		expect(options).toContainEqual({ name: 'Spotlight 80s', value: 'SPOTLIGHT_80S' });
		expect(options).toContainEqual({ name: 'Magazine Editorial', value: 'MAGAZINE_EDITORIAL' });
	});
});

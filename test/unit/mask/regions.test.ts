import { InputError } from '../../../nodes/shared/inputError';
import { prepareMask } from '../../../nodes/shared/image';
import type { MaskRegion } from '../../../nodes/shared/image';
import { decodeMask, differences, expectedMask, type Rect } from './helpers';

const WIDTH = 200;
const HEIGHT = 100;

function fromRegions(regions: MaskRegion[], providerEditColor: 'black' | 'white' = 'black') {
	return prepareMask({ imageWidth: WIDTH, imageHeight: HEIGHT, regions, editColor: 'transparent', providerEditColor });
}

describe('prepareMask: rectangles instead of a mask image', () => {
	it('paints a pixel region in either provider convention (editColor is ignored)', async () => {
		for (const providerEditColor of ['black', 'white'] as const) {
			const prepared = await fromRegions([{ x: 10, y: 20, width: 30, height: 40, unit: 'px' }], providerEditColor);
			const mask = await decodeMask(prepared.png);
			const editValue = providerEditColor === 'black' ? 0 : 255;
			expect([mask.width, mask.height, mask.channels]).toEqual([WIDTH, HEIGHT, 1]);
			expect(differences(mask.data, expectedMask(WIDTH, HEIGHT, [{ left: 10, top: 20, width: 30, height: 40 }], editValue), WIDTH)).toEqual([]);
			expect(prepared.editFraction).toBe((30 * 40) / (WIDTH * HEIGHT));
			expect(prepared.editColor).toBe(providerEditColor);
		}
	});

	/** `painted`: the rectangles of pixels the regions must mark (black: edit), and nothing else. */
	it.each<{ name: string; regions: MaskRegion[]; painted: Rect[]; editFraction: number }>([
		{
			name: 'measures percent regions against the image width (x, width) and height (y, height)',
			regions: [{ x: 50, y: 25, width: 25, height: 50, unit: 'percent' }],
			painted: [{ left: 100, top: 25, width: 50, height: 50 }],
			editFraction: 0.125,
		},
		{
			name: 'takes the union of overlapping regions, mixing units',
			regions: [
				{ x: 0, y: 0, width: 100, height: 50, unit: 'px' },
				{ x: 25, y: 25, width: 50, height: 50, unit: 'percent' }, // 50..150 × 25..75 px
			],
			painted: [
				{ left: 0, top: 0, width: 100, height: 50 },
				{ left: 50, top: 25, width: 100, height: 50 },
			],
			editFraction: (100 * 50 + 100 * 50 - 50 * 25) / (WIDTH * HEIGHT),
		},
		{
			name: 'clips regions that reach outside the image',
			regions: [
				{ x: -20, y: -10, width: 50, height: 30, unit: 'px' },
				{ x: 180, y: 90, width: 100, height: 100, unit: 'px' },
			],
			painted: [
				{ left: 0, top: 0, width: 30, height: 20 },
				{ left: 180, top: 90, width: 20, height: 10 },
			],
			editFraction: (30 * 20 + 20 * 10) / (WIDTH * HEIGHT),
		},
	])('$name', async ({ regions, painted, editFraction }) => {
		const prepared = await fromRegions(regions);
		const mask = await decodeMask(prepared.png);
		expect(differences(mask.data, expectedMask(WIDTH, HEIGHT, painted, 0), WIDTH)).toEqual([]);
		expect(prepared.editFraction).toBe(editFraction);
	});

	it.each([
		[[{ x: 10, y: 10, width: 0, height: 10, unit: 'px' }], 'Mask region 1 has zero width'],
		[[{ x: 10, y: 10, width: 10, height: 10, unit: 'px' }, { x: 10, y: 10, width: 10, height: -5, unit: 'px' }], 'Mask region 2 has a negative height (-5)'],
		[[{ x: 1, y: 1, width: 1, height: 1, unit: 'px' }, { x: 1, y: 1, width: 1, height: 1, unit: 'px' }, { x: 200, y: 0, width: 10, height: 10, unit: 'px' }], 'Mask region 3 (x 200 px, y 0 px, 10×10 px) lies entirely outside the 200×100 px image'],
		[[{ x: 0, y: 100, width: 10, height: 10, unit: 'percent' }], 'Mask region 1 (x 0%, y 100%, 10×10%) lies entirely outside'],
		[[{ x: -50, y: 0, width: 40, height: 10, unit: 'px' }], 'Mask region 1 (x -50 px, y 0 px, 40×10 px) lies entirely outside'],
		[[{ x: 10, y: 10, width: 0.1, height: 10, unit: 'percent' }], 'Mask region 1 (x 10%, y 10%, 0.1×10%) is smaller than one pixel'],
		[[{ x: Number.NaN, y: 0, width: 10, height: 10, unit: 'px' }], 'Mask region 1 has no valid x'],
		[[], 'No mask regions were given'],
		[[{ x: 0, y: 0, width: 100, height: 100, unit: 'percent' }], 'The mask regions cover the whole image'],
		[[{ x: -10, y: -10, width: 300, height: 300, unit: 'px' }], 'The mask regions cover the whole image'],
	] as Array<[MaskRegion[], string]>)('refuses %j: "%s"', async (regions, message) => {
		const attempt = fromRegions(regions);
		await expect(attempt).rejects.toThrow(InputError);
		await expect(attempt).rejects.toThrow(message);
		await expect(attempt).rejects.toMatchObject({ parameter: 'maskRegions', hint: expect.any(String) });
	});

	it('tells how to fix a zero-size region', async () => {
		await expect(fromRegions([{ x: 0, y: 0, width: 10, height: 0, unit: 'px' }])).rejects.toMatchObject({
			hint: expect.stringContaining('Give it a height above 0'),
		});
	});
});

import { countEditPixels, resizeNearest } from '../../../nodes/shared/image/raster';

describe('raster helpers', () => {
	it('counts the edit pixels (255 bytes, or the others) at any alignment and length', () => {
		const backing = Buffer.alloc(64);
		for (let i = 0; i < 64; i += 3) backing[i] = 255;
		for (let start = 0; start < 5; start++) {
			for (const length of [0, 1, 3, 4, 7, 30, 59 - start]) {
				const slice = backing.subarray(start, start + length);
				const white = [...slice].filter((value) => value === 255).length;
				expect(countEditPixels({ data: slice, width: length, height: 1 }, 'white')).toBe(white);
				expect(countEditPixels({ data: slice, width: length, height: 1 }, 'black')).toBe(length - white);
			}
		}
	});

	it('resizes by nearest neighbour in both directions, at pixel centres', () => {
		const source = { data: Buffer.from([1, 2, 3, 4, 5, 6]), width: 3, height: 2 };
		expect([...resizeNearest(source, 6, 4).data]).toEqual([
			1, 1, 2, 2, 3, 3,
			1, 1, 2, 2, 3, 3,
			4, 4, 5, 5, 6, 6,
			4, 4, 5, 5, 6, 6,
		]);
		expect([...resizeNearest(source, 1, 1).data]).toEqual([5]);
		expect([...resizeNearest(source, 3, 1).data]).toEqual([4, 5, 6]);
	});
});

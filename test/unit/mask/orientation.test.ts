/**
 * Phone photos (EXIF orientation 3, 6, 8): sizes are read as seen, the image is sent upright (in
 * the same pass as a downscale), a mask drawn on the upright view lines up with it, a mask file
 * stored turned is read as seen, and an upright file costs nothing.
 */
import sharp from 'sharp';

import { fitToLimit, prepareMask, readImageInfo, uprightImage } from '../../../nodes/shared/image';
import { editBox, markerBox, phonePhoto, scaleRect, storedOrientation, storedTurned, type PhoneOrientation, type Rect } from '../../harness/phonePhoto';
import { paintImage } from './helpers';

const MB = 1024 * 1024;
/** The picture as seen, for 6 and 8 (3 keeps its sides: seen as stored, 400×300). */
const SEEN = { 3: { width: 400, height: 300 }, 6: { width: 300, height: 400 }, 8: { width: 300, height: 400 } } as const;
/** Off-centre, so a turn or a mirror moves it. */
const MARKER = { left: 40, top: 60, width: 80, height: 100 };
const ORIENTATIONS: PhoneOrientation[] = [3, 6, 8];

/** JPEG edges blur by a pixel or two. */
function expectBoxNear(actual: Rect | undefined, expected: Rect, tolerance = 2) {
	const off = actual && Math.max(...(['left', 'top', 'width', 'height'] as const).map((key) => Math.abs(actual[key] - expected[key])));
	expect({ box: actual, expected, near: off !== undefined && off <= tolerance }).toEqual({ box: actual, expected, near: true });
}

describe.each(ORIENTATIONS)('EXIF orientation %d', (orientation) => {
	const seen = SEEN[orientation];
	let photo: Buffer;
	beforeAll(async () => {
		photo = await phonePhoto({ orientation, ...seen, marker: MARKER });
	});

	it('readImageInfo reports the size as seen and the orientation to apply', async () => {
		const stored = await sharp(photo).metadata();
		expect(stored.orientation).toBe(orientation);
		const info = await readImageInfo(photo);
		expect({ width: info.width, height: info.height, orientation: info.orientation }).toEqual({ ...seen, orientation });
	});

	it('fitToLimit within the limit sends it upright at full size, saying which orientation it applied', async () => {
		const info = await readImageInfo(photo);
		const fitted = await fitToLimit({ data: photo, info }, { maxBytes: 10 * MB, maxSide: 1000 }, false, 'Ideogram');
		expect(fitted.orientationApplied).toBe(orientation);
		expect(fitted.downscaledFrom).toBeUndefined();
		expect(fitted.scaledTo).toBeUndefined();
		expect(fitted.info).toEqual({ format: 'jpeg', mimeType: 'image/jpeg', ...seen, hasAlpha: false, bytes: fitted.data.length });
		expect(await storedOrientation(fitted.data)).toBe(1);
		const box = await markerBox(fitted.data);
		expect({ width: box?.imageWidth, height: box?.imageHeight }).toEqual(seen);
		expectBoxNear(box, MARKER);
	});

	it('fitToLimit turns and downscales in one pass, and the mask drawn on the upright view lines up', async () => {
		const info = await readImageInfo(photo);
		const fitted = await fitToLimit({ data: photo, info }, { maxBytes: 10 * MB, maxSide: 200 }, true, 'Runware');
		const scale = 200 / Math.max(seen.width, seen.height);
		const sent = { width: Math.round(seen.width * scale), height: Math.round(seen.height * scale) };
		expect(fitted.orientationApplied).toBe(orientation);
		expect(fitted.downscaledFrom).toEqual(seen);
		expect(fitted.scaledTo).toEqual({ ...sent, why: "to fit Runware's limit" });
		expect(await storedOrientation(fitted.data)).toBe(1);
		const box = await markerBox(fitted.data);
		expect({ width: box?.imageWidth, height: box?.imageHeight }).toEqual(sent);
		expectBoxNear(box, scaleRect(MARKER, scale));

		const mask = await paintImage(seen.width, seen.height, [255], [{ rect: MARKER, color: [0] }]);
		const prepared = await prepareMask({ imageWidth: info.width, imageHeight: info.height, mask, editColor: 'black', providerEditColor: 'white', scaledTo: fitted.scaledTo });
		expect([prepared.width, prepared.height]).toEqual([sent.width, sent.height]);
		expectBoxNear(await editBox(prepared.png, 'white'), scaleRect(MARKER, scale));
	});

	it('a mask file stored turned is read as seen, by libvips alone and through the raster path', async () => {
		// black: thresholded in libvips; transparent: decoded to a raster in JS.
		for (const [editColor, color] of [['black', [0, 0, 0, 255]], ['transparent', [0, 0, 0, 0]]] as const) {
			const upright = await paintImage(seen.width, seen.height, [255, 255, 255, 255], [{ rect: MARKER, color: [...color] }]);
			const turnedMask = await storedTurned(upright, orientation);
			expect((await readImageInfo(turnedMask)).orientation).toBe(orientation);
			const input = { imageWidth: seen.width, imageHeight: seen.height, mask: turnedMask, providerEditColor: 'black' as const };
			const prepared = await prepareMask({ ...input, editColor, onSizeMismatch: 'error' });
			expect({ editColor, size: [prepared.width, prepared.height] }).toEqual({ editColor, size: [seen.width, seen.height] });
			expect({ editColor, box: await editBox(prepared.png, 'black') }).toEqual({ editColor, box: { ...MARKER, imageWidth: seen.width, imageHeight: seen.height } });
		}
	});

	it('uprightImage turns a reference image upright in its own format', async () => {
		const png = await phonePhoto({ orientation, ...seen, marker: MARKER, format: 'png' });
		const info = await readImageInfo(png);
		const upright = await uprightImage({ data: png, info });
		expect(upright.orientationApplied).toBe(orientation);
		expect(upright.info).toEqual({ format: 'png', mimeType: 'image/png', ...seen, hasAlpha: false, bytes: upright.data.length });
		expect(await storedOrientation(upright.data)).toBe(1);
		expect(await markerBox(upright.data)).toEqual({ ...MARKER, imageWidth: seen.width, imageHeight: seen.height });
	});
});

describe('an upright file', () => {
	it('costs nothing: fitToLimit and uprightImage return the very same bytes, and say nothing of orientation', async () => {
		for (const orientation of [undefined, 1]) {
			const plain = await paintImage(300, 400, [32, 80, 192], [{ rect: MARKER, color: [230, 20, 20] }], 'jpeg');
			const photo = orientation ? await sharp(plain).withMetadata({ orientation }).jpeg().toBuffer() : plain;
			const info = await readImageInfo(photo);
			expect(info).not.toHaveProperty('orientation');
			const fitted = await fitToLimit({ data: photo, info }, { maxBytes: 10 * MB }, false);
			expect(fitted.data).toBe(photo);
			expect(fitted.info).toBe(info);
			expect(fitted).not.toHaveProperty('orientationApplied');
			expect((await uprightImage({ data: photo, info })).data).toBe(photo);
		}
	});
});

describe('limits apply to the picture as seen', () => {
	it('a turned image that only fits once downscaled is refused when downscaling is off, naming the limit', async () => {
		const photo = await phonePhoto({ orientation: 6, width: 300, height: 400, marker: MARKER });
		const info = await readImageInfo(photo);
		await expect(fitToLimit({ data: photo, info }, { maxBytes: 10 * MB, maxSide: 200 }, false, 'Ideogram')).rejects.toThrow(
			/^The image \(300×400 px, [\d.]+ KB\) is over Ideogram's limit: at most 200 px on the longer side\.$/,
		);
	});
});

/**
 * The demo's workflow (`npm run demo`) through n8n's engine on the RunComfy sandbox: the mask that
 * reached the provider for the Edit covers the price tag of the banner the Edit repaints, and
 * little besides.
 */
import type { IDataObject } from 'n8n-workflow';
import sharp from 'sharp';

import { demoWorkflow, EDITED_BANNER, PRICE_TAG, productPhoto } from '../../scripts/demo';
import { binaryBytes } from '../harness/engine';
import { decodeDataUri, run, submits } from './support/engineTest';
import { fakeForFile } from './support/fakes';

interface Box {
	left: number;
	top: number;
	right: number;
	bottom: number;
}

const area = (b: Box) => (b.right - b.left) * (b.bottom - b.top);

/** The bounding box of the pixels `inside` picks (right and bottom exclusive). */
async function boxOf(image: Buffer, inside: (pixel: Buffer, corner: Buffer) => boolean): Promise<Box & { width: number; height: number }> {
	const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
	const { width, height, channels } = info;
	const pixel = (x: number, y: number) => data.subarray((y * width + x) * channels, (y * width + x + 1) * channels);
	const corner = pixel(0, 0);
	const box = { left: width, top: height, right: 0, bottom: 0, width, height };
	for (let y = 0; y < height; y++)
		for (let x = 0; x < width; x++) {
			if (!inside(pixel(x, y), corner)) continue;
			box.left = Math.min(box.left, x);
			box.top = Math.min(box.top, y);
			box.right = Math.max(box.right, x + 1);
			box.bottom = Math.max(box.bottom, y + 1);
		}
	return box;
}

const fake = fakeForFile('runComfy', { jobDurationMs: 10 });

test("the Edit's mask lies over the price tag of the banner it edits", async () => {
	const result = await run(demoWorkflow('runComfy', await productPhoto()), [fake]);
	const banner = await binaryBytes(result.output(EDITED_BANNER.name)[0].binary!.data);

	// Where the reframe put the photo: what differs from the fill at the banner's corner.
	const photo = await boxOf(banner, (p, corner) => p.some((v, i) => Math.abs(v - corner[i]) > 24));
	expect(Math.abs(photo.right - photo.left - (photo.bottom - photo.top))).toBeLessThanOrEqual(2);
	const scale = (photo.right - photo.left) / 1024;
	const tag: Box = {
		left: photo.left + PRICE_TAG.x * scale,
		top: photo.top + PRICE_TAG.y * scale,
		right: photo.left + (PRICE_TAG.x + PRICE_TAG.width) * scale,
		bottom: photo.top + (PRICE_TAG.y + PRICE_TAG.height) * scale,
	};

	// The mask RunComfy received with the Edit (white marks the area to repaint), in banner pixels.
	const edit = submits(fake).filter((r) => r.path.endsWith('/edit'));
	expect(edit).toHaveLength(1);
	const mask = await boxOf(decodeDataUri((edit[0].json as IDataObject).mask).bytes, (p) => p[0] > 127);
	const sx = photo.width / mask.width;
	const sy = photo.height / mask.height;
	const repainted: Box = { left: mask.left * sx, top: mask.top * sy, right: mask.right * sx, bottom: mask.bottom * sy };

	expect(repainted.left).toBeLessThanOrEqual(tag.left);
	expect(repainted.top).toBeLessThanOrEqual(tag.top);
	expect(repainted.right).toBeGreaterThanOrEqual(tag.right);
	expect(repainted.bottom).toBeGreaterThanOrEqual(tag.bottom);
	// the tag and a margin for its edge, not the background beside it
	expect(area(repainted)).toBeLessThan(1.5 * area(tag));
});

import { MultipartBody } from '../../../nodes/shared/engine/multipart';

const bytes = (n: number, seed = 1) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff));

async function streamed(body: MultipartBody): Promise<Buffer[]> {
	const chunks: Buffer[] = [];
	for await (const chunk of body.toStream()) chunks.push(chunk as Buffer);
	return chunks;
}

/** Parsed back with the platform's own parser (undici), from the bytes the stream gives. */
async function parsed(body: MultipartBody): Promise<FormData> {
	const sent = Buffer.concat(await streamed(body));
	return await new Response(new Uint8Array(sent), { headers: { 'content-type': body.contentType } }).formData();
}

describe('MultipartBody', () => {
	const image = bytes(300_000);
	const mask = bytes(5_000, 2);
	const body = () =>
		new MultipartBody([
			{ name: 'image', data: image, fileName: 'photo.png', contentType: 'image/png' },
			{ name: 'mask', data: mask, fileName: 'mask.png', contentType: 'image/png' },
			{ name: 'prompt', value: 'un café "noir"\r\nsur deux lignes' },
			{ name: 'style_codes', value: 'AAAA' },
			{ name: 'style_codes', value: 'BBBB' },
			{ name: 'empty', value: '' },
		]);

	it('gives files and text fields a standard parser reads back exactly, repeated fields in order', async () => {
		const form = await parsed(body());
		const file = form.get('image') as File;
		expect(file.name).toBe('photo.png');
		expect(file.type).toBe('image/png');
		expect(Buffer.from(await file.arrayBuffer()).equals(image)).toBe(true);
		expect(Buffer.from(await (form.get('mask') as File).arrayBuffer()).equals(mask)).toBe(true);
		expect(form.get('prompt')).toBe('un café "noir"\r\nsur deux lignes');
		expect(form.getAll('style_codes')).toEqual(['AAAA', 'BBBB']);
		expect(form.get('empty')).toBe('');
	});

	it('announces its exact length; the stream and toBuffer give the same bytes', async () => {
		const b = body();
		const sent = Buffer.concat(await streamed(b));
		expect(sent.length).toBe(b.length);
		expect(b.toBuffer().equals(sent)).toBe(true);
		expect(b.contentType).toBe(`multipart/form-data; boundary=${b.boundary}`);
		expect(sent.subarray(-(b.boundary.length + 6)).toString()).toBe(`--${b.boundary}--\r\n`);
	});

	it('streams the callers\' own file Buffers, not copies of them', async () => {
		const chunks = await streamed(body());
		expect(chunks.some((chunk) => chunk === image)).toBe(true);
		expect(chunks.some((chunk) => chunk === mask)).toBe(true);
		// Nothing else in the body is larger than a part's headers.
		expect(Math.max(...chunks.filter((c) => c !== image && c !== mask).map((c) => c.length))).toBeLessThan(200);
	});

	it('can be sent again: every stream starts from the beginning', async () => {
		const b = body();
		const first = Buffer.concat(await streamed(b));
		const second = Buffer.concat(await streamed(b));
		expect(second.equals(first)).toBe(true);
	});

	it('escapes quotes and line breaks in names and file names as browsers do', async () => {
		const b = new MultipartBody([{ name: 'a"b', data: bytes(3), fileName: 'x"\r\ny.png', contentType: 'image/png' }], 'BOUNDARY');
		expect(b.toBuffer().toString('latin1')).toContain('Content-Disposition: form-data; name="a%22b"; filename="x%22%0D%0Ay.png"\r\nContent-Type: image/png\r\n\r\n');
		const file = (await parsed(b)).get('a"b') as File;
		expect(file.name).toBe('x"\r\ny.png');
	});

	it('each body has its own random boundary', () => {
		expect(body().boundary).not.toBe(body().boundary);
		expect(body().boundary).toMatch(/^[-0-9A-Za-z]{30,70}$/);
	});
});

import FormData from 'form-data';

import { MultipartForm } from '../../../nodes/shared/engine/multipart';
import { formChunks } from '../providers/helpers';

const bytes = (n: number, seed = 1) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff));

/** Parsed back with the platform's own parser (undici), from the bytes the form streams. */
async function parsed(form: FormData): Promise<globalThis.FormData> {
	const sent = Buffer.concat(await formChunks(form));
	return await new Response(new Uint8Array(sent), { headers: form.getHeaders() as Record<string, string> }).formData();
}

describe('MultipartForm (form-data)', () => {
	const image = bytes(300_000);
	const mask = bytes(5_000, 2);
	const body = new MultipartForm([
		{ name: 'image', data: image, fileName: 'photo.png', contentType: 'image/png' },
		{ name: 'mask', data: mask, fileName: 'mask.png', contentType: 'image/png' },
		{ name: 'prompt', value: 'un café "noir"\r\nsur deux lignes' },
		{ name: 'style_codes', value: 'AAAA' },
		{ name: 'style_codes', value: 'BBBB' },
		{ name: 'color_palette', json: '{"name":"EMBER"}' },
		{ name: 'empty', value: '' },
	]);

	it('gives files, text and JSON parts a standard parser reads back exactly, repeated fields in order', async () => {
		const form = await parsed(body.toFormData());
		const file = form.get('image') as File;
		expect(file.name).toBe('photo.png');
		expect(file.type).toBe('image/png');
		expect(Buffer.from(await file.arrayBuffer()).equals(image)).toBe(true);
		expect(Buffer.from(await (form.get('mask') as File).arrayBuffer()).equals(mask)).toBe(true);
		expect(form.get('prompt')).toBe('un café "noir"\r\nsur deux lignes');
		expect(form.getAll('style_codes')).toEqual(['AAAA', 'BBBB']);
		expect(form.get('color_palette')).toBe('{"name":"EMBER"}');
		expect(form.get('empty')).toBe('');
	});

	it('a JSON part carries Content-Type application/json and no file name; a text part no content type', async () => {
		const text = Buffer.concat(await formChunks(body.toFormData())).toString('latin1');
		expect(text).toContain('Content-Disposition: form-data; name="color_palette"\r\nContent-Type: application/json\r\n\r\n{"name":"EMBER"}\r\n');
		expect(text).toContain('Content-Disposition: form-data; name="style_codes"\r\n\r\nAAAA\r\n');
		expect(text).toContain('Content-Disposition: form-data; name="image"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n');
	});

	it('getLengthSync announces the exact length the stream gives; the boundary is in getHeaders', async () => {
		const form = body.toFormData();
		const length = form.getLengthSync();
		const sent = Buffer.concat(await formChunks(form));
		expect(sent.length).toBe(length);
		expect(form.getHeaders()).toEqual({ 'content-type': `multipart/form-data; boundary=${form.getBoundary()}` });
		expect(sent.subarray(-(form.getBoundary().length + 6)).toString()).toBe(`--${form.getBoundary()}--\r\n`);
	});

	it("streams the callers' own file Buffers, not copies of them", async () => {
		const chunks = await formChunks(body.toFormData());
		expect(chunks.some((chunk) => chunk === image)).toBe(true);
		expect(chunks.some((chunk) => chunk === mask)).toBe(true);
		// Nothing else in the body is larger than a part's headers.
		expect(Math.max(...chunks.filter((c) => c !== image && c !== mask).map((c) => c.length))).toBeLessThan(200);
	});

	it('each attempt gets a new FormData with the same parts', async () => {
		const first = body.toFormData();
		const second = body.toFormData();
		expect(second).not.toBe(first);
		const [a, b] = [await parsed(first), await parsed(second)];
		expect([...b.keys()]).toEqual([...a.keys()]);
		expect(Buffer.from(await (b.get('image') as File).arrayBuffer()).equals(image)).toBe(true);
	});

	it('escapes quotes and line breaks in names and file names as browsers do', async () => {
		const form = new MultipartForm([{ name: 'a"b', data: bytes(3), fileName: 'x"\r\ny.png', contentType: 'image/png' }]).toFormData();
		const text = Buffer.concat(await formChunks(form)).toString('latin1');
		expect(text).toContain('Content-Disposition: form-data; name="a%22b"; filename="x%22%0D%0Ay.png"\r\nContent-Type: image/png\r\n\r\n');
	});
});

import { Base64Text, jsonBody } from '../../../nodes/shared/engine/jsonBody';

const jsonBodyBuffer = (value: unknown) => jsonBody(value).toBuffer();

const bytes = (n: number, seed = 1) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff));

/** A JSON body must give exactly the UTF-8 of JSON.stringify, as one Buffer and as a stream, with that length. */
async function same(value: unknown): Promise<void> {
	const expected = Buffer.from(JSON.stringify(value) ?? '', 'utf8');
	const body = jsonBody(value);
	expect(body.length).toBe(expected.length);
	expect(body.toBuffer().equals(expected)).toBe(true);
	const streamed: Buffer[] = [];
	for await (const chunk of body.toStream()) streamed.push(chunk as Buffer);
	expect(Buffer.concat(streamed).equals(expected)).toBe(true);
	// Encoded while sent: no chunk is larger than one base64 slice (64 KiB) or the plain JSON around it.
	const plain = JSON.stringify(value, (_, v: unknown) => (v instanceof Base64Text ? v.prefix : v)) ?? '';
	expect(Math.max(0, ...streamed.map((c) => c.length))).toBeLessThanOrEqual(Math.max(64 * 1024, Buffer.byteLength(plain)));
}

describe('Base64Text', () => {
	it('renders through JSON.stringify as prefix + base64', () => {
		const data = bytes(10);
		const text = new Base64Text('data:image/png;base64,', data);
		expect(JSON.stringify({ image: text })).toBe(JSON.stringify({ image: `data:image/png;base64,${data.toString('base64')}` }));
		expect(String(text)).toBe(`data:image/png;base64,${data.toString('base64')}`);
		expect(JSON.parse(JSON.stringify([text]))).toEqual([text.toJSON()]);
	});
});

describe('jsonBody', () => {
	it.each([0, 1, 2, 3, 4, 5, 100, 3 * 16 * 1024 - 1, 3 * 16 * 1024, 3 * 16 * 1024 + 1, 3 * 16 * 1024 * 3 + 2, 1_000_001])(
		'a Base64Text of %i bytes gives the bytes of JSON.stringify',
		async (n) => {
			await same({ image: new Base64Text('data:image/png;base64,', bytes(n)) });
			await same(new Base64Text('', bytes(n)));
		},
	);

	it('nested objects and arrays, several values, empty bytes', async () => {
		await same({
			input: {
				image: new Base64Text('data:image/png;base64,', bytes(70_001)),
				mask: new Base64Text('data:image/webp;base64,', bytes(0)),
				refs: [new Base64Text('data:image/jpeg;base64,', bytes(2, 3)), 'https://x.test/a.png', new Base64Text('x', bytes(196_609, 5))],
				style: { style_type: 'Realistic', codes: ['AA', 'BB'], nested: [[{ a: [] }], {}] },
			},
			seed: 12345,
			n: -0.5e-7,
		});
		await same([new Base64Text('a', bytes(1)), new Base64Text('b', bytes(2)), new Base64Text('c', bytes(3))]);
	});

	it('prefixes and strings are escaped as JSON.stringify escapes them; text is UTF-8', async () => {
		await same({ 'k"ey\n': new Base64Text('pre"fix\\\u0001é☕', bytes(5)), text: 'café ☕ 😀 \u2028 \ud800 "q" \\ \t' });
	});

	it('follows JSON.stringify on undefined, functions, symbols, non-finite numbers, toJSON and boxed values', async () => {
		await same({
			u: undefined,
			f: () => 1,
			s: Symbol('x'),
			arr: [undefined, () => 1, Symbol('y'), NaN, Infinity, null, true, false],
			date: new Date(0),
			custom: { toJSON: (key: string) => ({ key, image: new Base64Text('p', bytes(4)) }) },
			boxed: [Object(1), Object('s'), Object(false)],
			buffer: Buffer.from([1, 2]),
			empty: '',
		});
		await same('just a string');
		await same(42);
		await same(null);
		expect(jsonBodyBuffer(undefined).length).toBe(0);
	});

	it('throws on cycles and BigInt, as JSON.stringify does', async () => {
		const cyclic: Record<string, unknown> = { a: 1 };
		cyclic.self = cyclic;
		expect(() => jsonBodyBuffer(cyclic)).toThrow(TypeError);
		expect(() => jsonBodyBuffer({ n: BigInt(1) })).toThrow(TypeError);
		// The same object twice (not a cycle) is fine.
		const shared = { x: new Base64Text('p', bytes(7)) };
		await same({ a: shared, b: [shared, shared] });
	});
});

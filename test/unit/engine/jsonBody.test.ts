import { Base64Text, jsonBodyBuffer } from '../../../nodes/shared/engine/jsonBody';

const bytes = (n: number, seed = 1) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff));

/** jsonBodyBuffer must give exactly the UTF-8 of JSON.stringify. */
function same(value: unknown): void {
	expect(jsonBodyBuffer(value).equals(Buffer.from(JSON.stringify(value) ?? '', 'utf8'))).toBe(true);
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

describe('jsonBodyBuffer', () => {
	it.each([0, 1, 2, 3, 4, 5, 100, 3 * 16 * 1024 - 1, 3 * 16 * 1024, 3 * 16 * 1024 + 1, 3 * 16 * 1024 * 3 + 2, 1_000_001])(
		'a Base64Text of %i bytes gives the bytes of JSON.stringify',
		(n) => {
			same({ image: new Base64Text('data:image/png;base64,', bytes(n)) });
			same(new Base64Text('', bytes(n)));
		},
	);

	it('nested objects and arrays, several values, empty bytes', () => {
		same({
			input: {
				image: new Base64Text('data:image/png;base64,', bytes(70_001)),
				mask: new Base64Text('data:image/webp;base64,', bytes(0)),
				refs: [new Base64Text('data:image/jpeg;base64,', bytes(2, 3)), 'https://x.test/a.png', new Base64Text('x', bytes(196_609, 5))],
				style: { style_type: 'Realistic', codes: ['AA', 'BB'], nested: [[{ a: [] }], {}] },
			},
			seed: 12345,
			n: -0.5e-7,
		});
		same([new Base64Text('a', bytes(1)), new Base64Text('b', bytes(2)), new Base64Text('c', bytes(3))]);
	});

	it('prefixes and strings are escaped as JSON.stringify escapes them; text is UTF-8', () => {
		same({ 'k"ey\n': new Base64Text('pre"fix\\\u0001é☕', bytes(5)), text: 'café ☕ 😀 \u2028 \ud800 "q" \\ \t' });
	});

	it('follows JSON.stringify on undefined, functions, symbols, non-finite numbers, toJSON and boxed values', () => {
		same({
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
		same('just a string');
		same(42);
		same(null);
		expect(jsonBodyBuffer(undefined).length).toBe(0);
	});

	it('throws on cycles and BigInt, as JSON.stringify does', () => {
		const cyclic: Record<string, unknown> = { a: 1 };
		cyclic.self = cyclic;
		expect(() => jsonBodyBuffer(cyclic)).toThrow(TypeError);
		expect(() => jsonBodyBuffer({ n: BigInt(1) })).toThrow(TypeError);
		// The same object twice (not a cycle) is fine.
		const shared = { x: new Base64Text('p', bytes(7)) };
		same({ a: shared, b: [shared, shared] });
	});
});

/**
 * JSON request bodies that carry large binary values as base64 text, serialised without ever
 * holding the base64 (or the whole JSON) as one string.
 *
 * A Base64Text is an ordinary JSON value as far as anyone else is concerned: `JSON.stringify`
 * renders it through `toJSON()` as the string `prefix + base64(bytes)`. jsonBody renders
 * exactly the same bytes straight into one Buffer, encoding the bytes in slices, so the peak is
 * the input bytes plus the body Buffer (≈ 4/3 of them) instead of several full-size strings;
 * a stream (JsonBody.toStream) encodes them while they are sent, so the peak is the input bytes alone.
 */
import { fieldOf } from '../unknownValues';

import { Readable } from 'node:stream';

/** A JSON string value made of a short prefix and the base64 of some bytes (`data:image/png;base64,…`). */
export class Base64Text {
	constructor(
		readonly prefix: string,
		readonly bytes: Buffer,
	) {}

	/** The whole text as one string (what JSON.stringify uses): only for small values or tests. */
	toJSON(): string {
		return this.toString();
	}

	toString(): string {
		return this.prefix + this.bytes.toString('base64');
	}
}

function base64Length(bytes: number): number {
	return Math.ceil(bytes / 3) * 4;
}

/**
 * Input bytes encoded per slice: a multiple of 3, so the slices' base64 concatenates without padding.
 * Each slice's base64 (64 KiB) stays under V8's large-object size, so the short-lived strings die
 * young in the new space instead of piling up in large-object space until a full GC.
 */
const SLICE_BYTES = 3 * 16 * 1024;

type Piece = string | Base64Text;

/** Fragments of the JSON text, in order: plain JSON text and Base64Text values (rendered without quotes). */
class Pieces {
	readonly list: Piece[] = [];
	private text = '';

	add(text: string): void {
		this.text += text;
	}

	addBase64(value: Base64Text): void {
		// The prefix goes through JSON.stringify's own escaping; base64 needs none.
		this.text += JSON.stringify(value.prefix).slice(0, -1);
		this.flush();
		this.list.push(value);
		this.text = '"';
	}

	flush(): void {
		if (this.text) this.list.push(this.text);
		this.text = '';
	}
}

/** The value JSON.stringify would render for `value` under `key`: toJSON applied, boxed primitives unwrapped. */
function prepare(value: unknown, key: string): unknown {
	if (value instanceof Base64Text) return value;
	const toJSON = typeof value === 'object' ? fieldOf(value, 'toJSON') : undefined;
	if (typeof toJSON === 'function') {
		value = toJSON.call(value, key);
		if (value instanceof Base64Text) return value;
	}
	if (value instanceof Number) return Number(value);
	if (value instanceof String) return String(value);
	if (value instanceof Boolean) return value.valueOf();
	return value;
}

/** Appends `value` (already prepared) to `out`; false when JSON.stringify would leave it out (undefined, functions, symbols). */
function write(value: unknown, out: Pieces, stack: object[]): boolean {
	if (value instanceof Base64Text) {
		out.addBase64(value);
		return true;
	}
	switch (typeof value) {
		case 'string':
			out.add(JSON.stringify(value));
			return true;
		case 'number':
			out.add(Number.isFinite(value) ? String(value) : 'null');
			return true;
		case 'boolean':
			out.add(value ? 'true' : 'false');
			return true;
		case 'bigint':
			throw new TypeError('Do not know how to serialize a BigInt');
		case 'undefined':
		case 'function':
		case 'symbol':
			return false;
	}
	if (value === null) {
		out.add('null');
		return true;
	}
	if (typeof value !== 'object') return false;
	const object = value;
	if (stack.includes(object)) throw new TypeError('Converting circular structure to JSON');
	stack.push(object);
	if (Array.isArray(object)) {
		out.add('[');
		for (let i = 0; i < object.length; i++) {
			if (i > 0) out.add(',');
			if (!write(prepare(object[i], String(i)), out, stack)) out.add('null');
		}
		out.add(']');
	} else {
		out.add('{');
		let first = true;
		for (const key of Object.keys(object)) {
			const item = prepare(fieldOf(object, key), key);
			if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
			out.add(`${first ? '' : ','}${JSON.stringify(key)}:`);
			first = false;
			write(item, out, stack);
		}
		out.add('}');
	}
	stack.pop();
	return true;
}

/** The JSON text of `value` as pieces, or undefined where JSON.stringify gives undefined. */
function jsonPieces(value: unknown): Piece[] | undefined {
	const pieces = new Pieces();
	if (!write(prepare(value, ''), pieces, [])) return undefined;
	pieces.flush();
	return pieces.list;
}

function byteLength(pieces: Piece[]): number {
	let total = 0;
	for (const piece of pieces) total += typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : base64Length(piece.bytes.length);
	return total;
}

/** The UTF-8 bytes of the pieces, in chunks of at most one base64 slice (64 KiB) or one plain piece. */
function* chunks(pieces: Piece[]): Generator<Buffer> {
	for (const piece of pieces) {
		if (typeof piece === 'string') {
			yield Buffer.from(piece, 'utf8');
			continue;
		}
		const bytes = piece.bytes;
		for (let start = 0; start < bytes.length; start += SLICE_BYTES) {
			yield Buffer.from(bytes.subarray(start, start + SLICE_BYTES).toString('base64'), 'latin1');
		}
	}
}

/** `JSON.stringify(value)` as bytes, ready to be rendered as one Buffer or as a stream. */
interface JsonBody {
	/** Its length in bytes (for Content-Length). */
	length: number;
	/** Every Base64Text's base64 written straight into the one Buffer returned, slice by slice. */
	toBuffer(): Buffer;
	/**
	 * The same bytes, encoded while they are sent: a large image then never exists a second time
	 * as a whole body; the peak is the image plus a few slices in flight. A fresh stream per call.
	 */
	toStream(): Readable;
}

/**
 * Throws where JSON.stringify would (cycles, BigInt); a value JSON.stringify renders as
 * `undefined` (a function, undefined itself) gives an empty body.
 */
export function jsonBody(value: unknown): JsonBody {
	const pieces = jsonPieces(value) ?? [];
	const length = byteLength(pieces);
	return {
		length,
		toBuffer() {
			const buffer = Buffer.allocUnsafe(length);
			let offset = 0;
			for (const chunk of chunks(pieces)) offset += chunk.copy(buffer, offset);
			if (offset !== length) throw new Error(`jsonBody: wrote ${offset} of ${length} bytes`);
			return buffer;
		},
		toStream: () => Readable.from(chunks(pieces), { objectMode: false }),
	};
}

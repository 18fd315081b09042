/**
 * multipart/form-data bodies (RFC 7578) made of text fields and files, sent as a stream with
 * their Content-Length. The file parts are the callers' own Buffers, never copied: a body is a
 * list of small header Buffers and references to the files, so sending a 10 MB image costs the
 * image alone, and a retry sends the same parts again from a fresh stream.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export type MultipartPart =
	| { name: string; value: string }
	| { name: string; data: Buffer; fileName: string; contentType: string };

const CRLF = Buffer.from('\r\n');

/**
 * Names and file names in a quoted header parameter, escaped as browsers (and undici's own
 * FormData serialiser) do: `"` → %22, CR → %0D, LF → %0A.
 */
function quoted(text: string): string {
	return `"${text.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;
}

export class MultipartBody {
	readonly boundary: string;
	/** `multipart/form-data; boundary=…`, for the request's Content-Type. */
	readonly contentType: string;
	/** The body's size in bytes, for Content-Length. */
	readonly length: number;
	private readonly pieces: Buffer[] = [];

	constructor(parts: MultipartPart[], boundary = `----n8nFormBoundary${randomBytes(12).toString('hex')}`) {
		this.boundary = boundary;
		this.contentType = `multipart/form-data; boundary=${boundary}`;
		for (const part of parts) {
			let head = `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(part.name)}`;
			if ('data' in part) head += `; filename=${quoted(part.fileName)}\r\nContent-Type: ${part.contentType}`;
			this.pieces.push(Buffer.from(`${head}\r\n\r\n`, 'utf8'), 'data' in part ? part.data : Buffer.from(part.value, 'utf8'), CRLF);
		}
		this.pieces.push(Buffer.from(`--${boundary}--\r\n`));
		this.length = this.pieces.reduce((sum, piece) => sum + piece.length, 0);
	}

	/** The bytes as they are sent, without copying the files into one Buffer. A fresh stream per call. */
	toStream(): Readable {
		return Readable.from(this.pieces, { objectMode: false });
	}

	/** The whole body as one Buffer (a copy of everything: for small bodies and tests). */
	toBuffer(): Buffer {
		return Buffer.concat(this.pieces, this.length);
	}
}

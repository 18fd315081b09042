/**
 * multipart/form-data request bodies, encoded by the `form-data` package through its public API
 * only (append, getHeaders, getLengthSync). A request keeps the list of its parts; every attempt
 * gets a fresh FormData built from it, because a FormData is a stream that can be read once.
 * Files are appended as the callers' own Buffers with their known length: form-data streams a
 * Buffer as it is, so sending a 10 MB image costs the image alone.
 */
import FormData from 'form-data';

export type MultipartPart =
	/** A text part, as a browser or curl `-F name=value` sends it. */
	| { name: string; value: string }
	/** A part holding JSON, sent with `Content-Type: application/json` (an OpenAPI `encoding` of that content type). */
	| { name: string; json: string }
	/** A file part. */
	| { name: string; data: Buffer; fileName: string; contentType: string };

export class MultipartForm {
	constructor(readonly parts: readonly MultipartPart[]) {}

	/** A new FormData holding the parts; the files are appended, not copied. */
	toFormData(): FormData {
		const form = new FormData();
		for (const part of this.parts) {
			if ('data' in part) form.append(part.name, part.data, { filename: part.fileName, contentType: part.contentType, knownLength: part.data.length });
			else if ('json' in part) form.append(part.name, part.json, { contentType: 'application/json' });
			else form.append(part.name, part.value);
		}
		return form;
	}
}

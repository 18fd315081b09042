/**
 * A problem with what the user gave (a parameter, an image, a mask), found before any paid call.
 * `hint` says what to change; `parameter` names the node parameter to look at, when known.
 */
export class InputError extends Error {
	constructor(
		message: string,
		/** What the user can do to fix it. */
		readonly hint: string,
		/** The node parameter the problem is in, e.g. `prompt`, `maskRegions`. */
		readonly parameter?: string,
	) {
		super(message);
		this.name = 'InputError';
	}
}

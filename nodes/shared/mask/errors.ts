/**
 * A problem with what the user gave (mask, regions, image size), found before any paid call.
 * `hint` says what to change; `parameter` names the node parameter to look at, when known.
 */
export class InputError extends Error {
	constructor(
		message: string,
		/** What the user can do to fix it. */
		readonly hint: string,
		/** The node parameter the problem is in, e.g. `maskRegions`, `maskEditColor`. */
		readonly parameter?: string,
	) {
		super(message);
		this.name = 'InputError';
	}
}

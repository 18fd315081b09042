/**
 * Reading values whose type nobody promises (errors thrown by libraries, responses from n8n's
 * helpers, parsed JSON) without casting them: each read checks what is there.
 */

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value[key]` when `value` is an object (or function), else undefined. */
export function fieldOf(value: unknown, key: PropertyKey): unknown {
	return (typeof value === 'object' && value !== null) || typeof value === 'function' ? Reflect.get(value, key) : undefined;
}

/** The message of anything thrown. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

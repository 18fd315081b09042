/**
 * Turning what a provider answered into a ProviderError a user can act on: where it came from,
 * the common advice per HTTP status, and which option a provider message is about. The adapters
 * add what only their provider says.
 */
import { ProviderError, redactSecrets, type ProviderErrorDetails } from '../engine';

/** Where an answer came from, for messages: `GET /v1/requests/{id}/status` (the id goes in requestId). */
export interface Where {
	provider: string;
	operation?: string;
	endpoint: string;
	requestId?: string;
}

const UNEXPECTED_HINT =
	"The provider's API may have changed. If this persists, report it together with this message.";

/** The error for a body we cannot read: it names provider, endpoint and what was wrong. */
export function unexpectedResponse(where: Where, httpCode: number, problem: string, retryable = false): ProviderError {
	return new ProviderError({
		provider: where.provider,
		operation: where.operation,
		httpCode,
		requestId: where.requestId,
		message: `${where.provider} returned an unexpected response from ${where.endpoint}: ${problem}`,
		hint: UNEXPECTED_HINT,
		retryable,
	});
}

/** Common advice per HTTP status; adapters add their provider's own. */
export function statusHint(status: number, credentialName: string): string | undefined {
	if (status === 400) return 'The provider refused the request as invalid: check the options and inputs the message names, then run again.';
	if (status === 401 || status === 403) return `Check the API key in the ${credentialName} credential.`;
	if (status === 402) return 'Your balance with the provider is used up: top it up, then run the workflow again.';
	if (status === 408 || status === 504) return 'The provider timed out: retry later.';
	if (status === 413) return 'The request is too large: use a smaller image.';
	if (status === 422)
		return 'The provider refused the request, most often its safety check on the prompt or an image: change the prompt or the image.';
	if (status === 429) return 'Too many requests at once: lower Concurrency (in Options) or retry later.';
	if (status >= 500) return 'The provider had a temporary problem: retry later.';
	return undefined;
}

/**
 * "Check the option "Rendering Speed" (rendering_speed)." when a provider message names one of
 * the fields we send. `labels` maps wire names to the option labels users see.
 */
export function parameterHint(text: string | undefined, labels: Readonly<Record<string, string>>): string | undefined {
	if (!text) return undefined;
	const names = Object.keys(labels).sort((a, b) => b.length - a.length);
	for (const name of names) {
		const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		if (new RegExp(`(^|[^A-Za-z0-9_])${escaped}($|[^A-Za-z0-9_])`).test(text)) {
			return `Check the option “${labels[name]}” (${name}).`;
		}
	}
	return undefined;
}

/** A provider's own error, its message redacted (providers sometimes echo the key they were sent). */
export function providerError(details: ProviderErrorDetails): ProviderError {
	return new ProviderError({ ...details, message: redactSecrets(details.message) });
}

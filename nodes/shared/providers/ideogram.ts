/**
 * The official Ideogram API (docs/providers/ideogram.md), `Api-Key` header (added by the credential).
 * The wire form lives in ideogramFamily.ts, shared with CometAPI.
 */
import { createIdeogramFamilyAdapter, describeIdeogramError } from './ideogramFamily';

const CREDENTIAL_NAME = 'Ideogram API';

export const ideogramAdapter = createIdeogramFamilyAdapter({
	name: 'ideogram',
	displayName: 'Ideogram',
	credentialType: 'ideogramApi',
	credentialName: CREDENTIAL_NAME,
	pathPrefix: '/v1/ideogram-v3',
	requestIdPrefix: 'ideogram',
	limits: {
		// The spec says 10 MB per image; the current v1 docs say 25 MB. The spec is the safe bound.
		maxImageBytes: 10 * 1024 * 1024,
		maxImagesPerJob: 8, // num_images 1–8
		maxImagesInFlight: 10, // the default per-organisation limit, counted in images
	},
	// Items in flight. Ideogram's limit counts images (num_images each), so the pipeline must
	// also respect limits.maxImagesInFlight; 10 items of one image each fill it exactly.
	defaultConcurrency: 10,
	describeError: (status, body) => describeIdeogramError(status, body, CREDENTIAL_NAME),
});

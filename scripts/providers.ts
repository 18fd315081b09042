/**
 * The real providers as `npm run demo` and `npm run dev` reach them: the environment variable that
 * holds a user's API key, and the API's address (each credential's default Base URL).
 */
export type Provider = 'runComfy' | 'runware' | 'cometApi' | 'ideogram';

export const REAL_PROVIDERS: Record<Provider, { keyVar: string; baseUrl: string }> = {
	runComfy: { keyVar: 'RUNCOMFY_API_KEY', baseUrl: 'https://model-api.runcomfy.net' },
	runware: { keyVar: 'RUNWARE_API_KEY', baseUrl: 'https://api.runware.ai' },
	cometApi: { keyVar: 'COMETAPI_API_KEY', baseUrl: 'https://api.cometapi.com' },
	ideogram: { keyVar: 'IDEOGRAM_API_KEY', baseUrl: 'https://api.ideogram.ai' },
};

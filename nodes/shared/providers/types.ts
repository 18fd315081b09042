/**
 * The one provider interface. Nodes and the pipeline speak only these types; each adapter
 * (runComfy.ts, runware.ts, cometApi.ts, ideogram.ts) translates them to its provider's wire form.
 */
import type { HttpClient } from '../engine';

export type ProviderName = 'runComfy' | 'runware' | 'cometApi' | 'ideogram';
export type OperationName = 'edit' | 'reframe' | 'replaceBackground';
/** The job status vocabulary of every item the package emits (docs/interface.md). */
export type JobStatus = 'submitted' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export type RenderingSpeed = 'TURBO' | 'DEFAULT' | 'QUALITY';
type MagicPrompt = 'AUTO' | 'ON' | 'OFF';
export type StyleType = 'AUTO' | 'GENERAL' | 'REALISTIC' | 'DESIGN' | 'FICTION' | 'RENDER_3D' | 'ANIME';
export type MaskColor = 'black' | 'white';

/** Ideogram Edit's models: 3.0 inpainting, and the Precise Edit models where a provider serves them. */
export type EditModel = 'ideogram-3' | 'ideogram-4.5' | 'ideogram-4.6';
export type PreciseEditModel = Exclude<EditModel, 'ideogram-3'>;
/** Precise Edit's quality tiers. */
export type Quality = 'very_low' | 'low' | 'medium' | 'high';

/**
 * Which part of the image a Precise Edit works on: around the mask (`auto`), the whole image, or
 * a box in whole pixels of the image as sent (its top-left corner and size).
 */
export type EditRegion = { kind: 'auto' } | { kind: 'whole' } | { kind: 'box'; left: number; top: number; width: number; height: number };

/** An image handed to a provider: its bytes (always known), and its public URL when the user gave one. */
export interface ImageInput {
	data: Buffer;
	mimeType: string;
	fileName: string;
	width: number;
	height: number;
	/**
	 * The http(s) URL the image came from, for providers that prefer to fetch it themselves.
	 * Set only while `data` are still the bytes at that URL: whoever converts or resizes the
	 * image drops it, so an adapter may send the URL instead of the bytes.
	 */
	url?: string;
}

/**
 * An image the provider fetches itself (`ProviderAdapter.fetchesImageUrls`) from the public URL
 * the user gave, unchanged: the node read only its header, so it has no bytes to send.
 */
export interface LinkedImage {
	url: string;
	data?: undefined;
	mimeType: string;
	fileName: string;
	width: number;
	height: number;
}

export type ColorPalette =
	| { name: string }
	| { members: Array<{ colorHex: string; colorWeight?: number }> };

/** Options only Runware has (docs/interface.md: "Runware-only options"). */
export interface RunwareOptions {
	outputFormat?: 'JPG' | 'PNG' | 'WEBP';
	outputQuality?: number;
	ttl?: number;
	includeCost?: boolean;
	webhookURL?: string;
	uploadEndpoint?: string;
	checkContent?: boolean;
}

export interface GenerationOptions {
	renderingSpeed?: RenderingSpeed;
	magicPrompt?: MagicPrompt;
	/** Always set by the pipeline (random when the user gave none), so results are reproducible. */
	seed: number;
	numImages: number;
	styleType?: StyleType;
	stylePreset?: string;
	styleCodes?: string[];
	colorPalette?: ColorPalette;
	styleReferenceImages?: ImageInput[];
	characterReferenceImages?: ImageInput[];
	characterReferenceMasks?: ImageInput[];
	runware?: RunwareOptions;
	/** Precise Edit only. */
	quality?: Quality;
	/** Precise Edit only: images that guide the edit. */
	referenceImages?: ImageInput[];
	/** Precise Edit only. */
	editRegion?: EditRegion;
}

export interface JobRequest {
	operation: OperationName;
	/** Edit only; absent means Ideogram 3.0. */
	model?: EditModel;
	image: ImageInput | LinkedImage;
	/** Edit only: already converted to the provider's mask convention (`ProviderAdapter.maskConvention`). */
	mask?: ImageInput;
	prompt?: string;
	/** Reframe only. */
	resolution?: { width: number; height: number };
	options: GenerationOptions;
}

/** One generated image as the provider reported it. */
export interface GeneratedImage {
	url?: string;
	/** Image bytes the provider returned inline (Runware dataURI/base64 output). */
	inline?: Buffer;
	seed?: number;
	resolution?: string;
	prompt?: string;
	isImageSafe?: boolean;
	cost?: number;
	styleType?: string;
}

/** What a provider says about a job. `images` is present once `status` is `completed`. */
export interface JobState {
	requestId: string;
	status: JobStatus;
	queuePosition?: number;
	progress?: number;
	images?: GeneratedImage[];
	/** Why a `failed` job failed: the provider's message and code, and what the user can do. */
	error?: { message: string; code?: string; hint?: string };
}

/** What a request would cost, as a provider's dry run prices it (nothing is generated or billed). */
export interface PriceQuote {
	costUsd: number;
	/** The most it can cost, when the price is an estimate. */
	costUpperBoundUsd?: number;
	/** `exact` or `estimate`, as the provider says. */
	qualifier: string;
	billingIdentifier: string;
	quantity: number;
}

/** What Poll Result needs to find a job again: the submitted item (docs/interface.md). */
export interface JobRef {
	provider: ProviderName;
	operation?: OperationName;
	requestId: string;
	numImages?: number;
}

/** Everything an adapter needs for one call, bound to the current n8n execution. */
export interface ProviderContext {
	http: HttpClient;
	/** Credential `baseUrl`, without trailing slash. */
	baseUrl: string;
	signal: AbortSignal;
}

/** What a provider may or may not take, as the options model names it: options whose panel entry depends on the provider. */
export type Capability =
	| 'seed'
	| 'renderingSpeed'
	| 'magicPrompt'
	| 'styleType'
	| 'stylePreset'
	| 'styleCodes'
	| 'colorPalette'
	| 'styleReferenceImages'
	| 'characterReferenceImages'
	| 'characterReferenceMasks'
	| 'dryRun'
	| 'runware'
	| 'quality'
	| 'referenceImages'
	| 'editRegion';

/**
 * What a provider takes, as data. The parameter model refuses everything else, before any
 * request, so an adapter receives only requests it can send.
 */
export interface ProviderAccepts {
	/** The provider-dependent options it takes, per operation. */
	options: Record<OperationName, readonly Capability[]>;
	styleTypes: readonly StyleType[];
	maxStyleCodes: number;
	maxStyleReferenceImages: number;
	maxPromptLength?: number;
	/** Total size of the style reference images, in bytes, where the provider caps it. */
	maxStyleReferenceBytes?: number;
	/** Combinations of options the provider refuses that the lists above cannot say: the reason, or undefined. */
	refusesCombination?(choice: OptionChoice): string | undefined;
	/** The Precise Edit models the provider serves for Edit, and what each takes (`options.edit` is Ideogram 3.0's). */
	preciseEdit?: Partial<Record<PreciseEditModel, PreciseEditAccepts>>;
}

/** What one Precise Edit model takes on one provider. */
export interface PreciseEditAccepts {
	options: readonly Capability[];
	qualities: readonly Quality[];
	/** Reference images without a mask, and with one. */
	maxReferenceImages: number;
	maxReferenceImagesWithMask: number;
	/** The image this model takes without a downscale. */
	limits: ImageLimits;
	/** The edit region's box: shortest side, largest area, and the widest aspect (long side / short side). */
	regionBox: { minSide: number; maxPixels: number; maxAspect: number };
	/** Whether the `auto` edit region needs a mask. */
	autoRegionNeedsMask: boolean;
}

/** The largest image a provider (or one of its models) takes as it is. */
export interface ImageLimits {
	/** Largest accepted image file, in bytes. */
	maxImageBytes: number;
	/** Longest side the provider accepts without downscaling, when it has such a limit. */
	maxImageSide?: number;
	/** Most pixels (width × height), when it has such a limit. */
	maxImagePixels?: number;
}

/** What an item's options choose, as far as combination rules care (known before anything is loaded). */
export interface OptionChoice {
	operation: OperationName;
	promptLength: number;
	styleType?: StyleType;
	stylePreset?: string;
	styleCodes: number;
	styleReferenceImages: number;
	characterReference: boolean;
}

export interface ProviderLimits extends ImageLimits {
	/** Images generated by one job: RunComfy makes one, the others take `numImages`. */
	maxImagesPerJob: number;
	/** Images (not requests) that may be in flight at once, when the provider documents it. */
	maxImagesInFlight?: number;
}

export interface ProviderAdapter {
	name: ProviderName;
	displayName: string;
	credentialType: 'runComfyApi' | 'runwareApi' | 'cometApi' | 'ideogramApi';
	/** Queued providers return a job id at submit; the others answer with the images. */
	queued: boolean;
	/** The provider's mask convention: the colour it reads as the area to repaint. */
	maskConvention: MaskColor;
	limits: ProviderLimits;
	/**
	 * Sends an image given by URL as that URL (the provider downloads it), so the node reads only
	 * its header when it needs no downscale, and never holds it.
	 */
	fetchesImageUrls: boolean;
	/** Items in flight at once by default (README: "Defaults"). */
	defaultConcurrency: number;
	accepts: ProviderAccepts;
	/**
	 * A request that costs nothing and that the provider refuses with 401/403 for a bad key (a job
	 * lookup, an empty submission), for providers with no free endpoint answering 2xx, which n8n's
	 * declarative credential test needs. nodes/shared/credentialTests.ts sends it.
	 */
	credentialCheck?: { method: 'GET' | 'POST'; path: string };
	/**
	 * Submits one job. Queued providers answer `submitted`/`queued`/`running` with a requestId;
	 * synchronous ones answer `completed` with images (requestId: an id the adapter makes).
	 */
	submit(ctx: ProviderContext, request: JobRequest): Promise<JobState>;
	/** Queued providers: current state, with images once completed. */
	getState?(ctx: ProviderContext, job: JobRef): Promise<JobState>;
	/** Providers with a free dry run: the price of exactly this request, nothing generated. */
	quote?(ctx: ProviderContext, request: JobRequest): Promise<PriceQuote>;
	/** Without a cancel: why, for the cancel's answer (else "<provider> has no way to cancel a job"). */
	noCancelReason?: string;
	/**
	 * Only where the provider has a cancel endpoint: asks it to cancel the job, and answers the
	 * job's status. A provider without one has no `cancel` (the caller says so without a request).
	 */
	cancel?(ctx: ProviderContext, job: JobRef): Promise<{ status: JobStatus; cancelled: boolean; reason?: string }>;
}

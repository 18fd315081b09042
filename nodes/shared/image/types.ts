/**
 * What the user's mask means: which pixels mark the area to repaint. `transparent`: the alpha
 * channel alone decides (alpha below the threshold = edit).
 */
export type MaskEditColor = 'black' | 'white' | 'transparent';

/** A provider's convention: the colour of the area to repaint in the mask it receives. */
export type MaskColor = 'black' | 'white';

/** A rectangle of the area to repaint; x/y is its top-left corner, measured from the image's top-left. */
export interface MaskRegion {
	x: number;
	y: number;
	width: number;
	height: number;
	unit: 'px' | 'percent';
}

export interface PrepareMaskInput {
	/** The image being edited (already known by the caller). */
	imageWidth: number;
	imageHeight: number;
	/** The user's mask bytes (PNG/JPEG/WebP, with or without alpha, any size, grey or noisy). */
	mask?: Buffer;
	/** Rectangles of the area to repaint, instead of `mask` (exactly one of the two). */
	regions?: MaskRegion[];
	/** What the user's mask means; ignored for regions. */
	editColor: MaskEditColor;
	/** The convention to produce. */
	providerEditColor: MaskColor;
	/** 0–255 on luminance (or on alpha for `transparent`); default 128. */
	threshold?: number;
	/** A mask of another size than the image: stretch it (nearest-neighbour) or refuse. Default `resize`. */
	onSizeMismatch?: 'resize' | 'error';
	/** How messages name the mask, e.g. `character reference mask 2`. Default `mask`. */
	label?: string;
	/** The node parameter the mask bytes came from, for errors about the file itself. Default `maskBinaryProperty`. */
	maskParameter?: string;
	/**
	 * The size the image is sent at, when it was scaled down (fitToLimit): the mask is read and
	 * checked at the image's size, then scaled with it (nearest neighbour, so it stays binary).
	 */
	scaledTo?: ScaledSize;
}

export interface ScaledSize {
	width: number;
	height: number;
	/** Why, as messages say it after "Scaled down to W×H px": e.g. `to fit Runware's limit`. */
	why: string;
}

export interface PreparedMask {
	/** A 1-channel 8-bit greyscale PNG holding only 0 and 255, the exact size the image is sent at. */
	png: Buffer;
	width: number;
	height: number;
	/** The colour of the area to repaint in `png` (the provider's convention it was made for). */
	editColor: MaskColor;
	/** Share of pixels to repaint, 0..1 (never exactly 0 or 1: such masks are refused). */
	editFraction: number;
	/** The user's mask size, when it was stretched to the image's size. */
	resizedFrom?: { width: number; height: number };
}

export interface ImageInfo {
	format: 'png' | 'jpeg' | 'webp';
	mimeType: string;
	/**
	 * As seen: upright, with the file's EXIF orientation applied (a phone photo stored 4000×3000
	 * with orientation 6 is 3000×4000 here). Masks are drawn on this view, and providers are sent it.
	 */
	width: number;
	height: number;
	/**
	 * The file's EXIF orientation (2–8) when its pixels are not stored as they are seen: they are
	 * turned upright (`fitToLimit`, `uprightImage`, mask decoding) before use. Absent for 1 or none.
	 */
	orientation?: number;
	hasAlpha: boolean;
	bytes: number;
}

export interface ImageLimit {
	maxBytes: number;
	/** Longest side in pixels. */
	maxSide?: number;
	/** Most pixels (width × height). */
	maxPixels?: number;
}

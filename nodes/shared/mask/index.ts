/**
 * Masks for the Edit operation (and character-reference masks): decode, convert to a provider's
 * convention, resize, validate, rectangles; plus image header checks and fitting under a
 * provider's size limit. Knows nothing of HTTP or n8n.
 */
export { readImageInfo } from './imageInfo';
export { prepareMask } from './prepare';
export { fitToLimit, uprightImage, withinLimit, type FittedImage } from './fit';
export { boxInImage, type PixelBox } from './regions';
export type {
	ImageInfo,
	ImageLimit,
	MaskColor,
	MaskEditColor,
	MaskRegion,
	PreparedMask,
	PrepareMaskInput,
	ScaledSize,
} from './types';

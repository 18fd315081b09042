/**
 * Images, for every operation: header checks (`readImageInfo`) and turning upright and fitting
 * under a provider's size limit (`fitToLimit`); and the Edit's masks: decode, convert to a
 * provider's convention, resize, validate, rectangles (`prepareMask`). Knows nothing of HTTP or n8n.
 */
export { readImageInfo } from './imageInfo';
export { prepareMask } from './prepare';
export { fitToLimit, uprightImage, withinLimit, type FittedImage } from './fit';
export { boxInImage } from './regions';
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

import { AppError } from '../../../core/errors';
import type { SupportedImage } from './schemas';

/** The capability List Supported Images gives images whose nodes run Docker containers. */
export const DOCKER_COMPATIBLE = 'DockerCompatible';

export interface ChosenImage {
  image: SupportedImage;
  /** "publisher/offer/sku", as the `image` setting takes it. */
  name: string;
  /** The `image` setting chose it, not the ranking. */
  overridden: boolean;
}

export interface ChooseImageOptions {
  /** The `image` setting, "publisher/offer/sku"; it wins when Batch supports it for containers. */
  override?: string;
  /** "Now", for the end-of-life check. */
  now?: Date;
}

export const imageName = (image: SupportedImage): string =>
  `${image.imageReference.publisher ?? ''}/${image.imageReference.offer ?? ''}/${image.imageReference.sku ?? ''}`;

const isLinux = (i: SupportedImage) => i.osType.toLowerCase() === 'linux';
const isDocker = (i: SupportedImage) => (i.capabilities ?? []).some((c) => c.toLowerCase() === DOCKER_COMPATIBLE.toLowerCase());
/** Absent means Batch has announced no end: later than any date. */
const endOfLife = (i: SupportedImage) => (i.batchSupportEndOfLife ? Date.parse(i.batchSupportEndOfLife) : Number.POSITIVE_INFINITY);
const isVerified = (i: SupportedImage) => i.verificationType.toLowerCase() === 'verified';
const isMarketplace = (i: SupportedImage) => Boolean(i.imageReference.publisher && i.imageReference.offer && i.imageReference.sku);

/**
 * The image a pool of R containers runs on, from List Supported Images: a Linux marketplace
 * image marked DockerCompatible and not past Batch's end of support; verified images before
 * unverified ones, then the one supported longest, then the newest SKU (so the choice is the
 * same every time). An override is taken if Batch lists it as a DockerCompatible Linux image
 * still supported; otherwise one sentence says why not and what would work.
 */
export function chooseImage(images: readonly SupportedImage[], opts: ChooseImageOptions = {}): ChosenImage {
  const now = (opts.now ?? new Date()).getTime();
  const usable = images.filter((i) => isLinux(i) && isDocker(i) && isMarketplace(i) && endOfLife(i) > now);
  const ranked = [...usable].sort(
    (a, b) =>
      Number(isVerified(b)) - Number(isVerified(a)) ||
      compareDesc(endOfLife(a), endOfLife(b)) ||
      (b.imageReference.sku ?? '').localeCompare(a.imageReference.sku ?? '', 'en', { numeric: true }) ||
      imageName(a).localeCompare(imageName(b)),
  );
  const choices = ranked.slice(0, 3).map(imageName).join(', ');

  if (opts.override !== undefined) {
    const parts = opts.override.split('/').map((p) => p.trim());
    if (parts.length !== 3 || parts.some((p) => !p)) {
      throw new AppError('config-invalid', `The image setting must be publisher/offer/sku (for example microsoft-dsvm/ubuntu-hpc/2404), not "${opts.override}".`);
    }
    const wanted = parts.join('/').toLowerCase();
    const match = images.find((i) => imageName(i).toLowerCase() === wanted);
    const alternatives = choices ? ` Images that can: ${choices}.` : '';
    if (!match) throw new AppError('config-invalid', `Batch does not support the image ${opts.override} in this account's region.${alternatives}`);
    if (!isLinux(match) || !isDocker(match)) {
      throw new AppError('config-invalid', `The image ${opts.override} is not a DockerCompatible Linux image in Batch's list, so its nodes cannot run the model's container.${alternatives}`);
    }
    if (endOfLife(match) <= now) {
      throw new AppError('config-invalid', `Batch stopped supporting new pools of the image ${opts.override} on ${match.batchSupportEndOfLife!.slice(0, 10)}.${alternatives}`);
    }
    return { image: match, name: imageName(match), overridden: true };
  }

  const best = ranked[0];
  if (!best) {
    throw new AppError('deploy-failed', `Batch lists no supported Linux image marked ${DOCKER_COMPATIBLE} for this account (${images.length} images listed), so a pool cannot run containers here; set image to publisher/offer/sku of one your account can use.`);
  }
  return { image: best, name: imageName(best), overridden: false };
}

/** Larger first; two infinities are equal. */
const compareDesc = (a: number, b: number) => (a === b ? 0 : b > a ? 1 : -1);

// Lambda's size quota counts a zip's contents, not its bytes: the sum of every entry's
// uncompressed size as the central directory states it. Reading only the directory keeps a
// 250 MB zip of zeros (a few hundred KB) cheap to check, as it is for the service.
import { fromBufferPromise } from 'yauzl';

/** The unzipped size of a zip held in memory; rejects when the bytes are not a zip. */
export async function unzippedSize(zip: Buffer): Promise<number> {
  // validateEntrySizes would inflate nothing here (no entry is opened), but strict names would
  // refuse paths Lambda accepts, so both stay at their lenient settings.
  const file = await fromBufferPromise(zip, { lazyEntries: true, strictFileNames: false });
  return new Promise<number>((resolve, reject) => {
    let total = 0;
    file.on('entry', (entry: { uncompressedSize: number }) => {
      total += entry.uncompressedSize;
      file.readEntry();
    });
    file.on('end', () => resolve(total));
    file.on('error', reject);
    file.readEntry();
  });
}

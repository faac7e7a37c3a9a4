/**
 * What List Supported Images answers (BatchSupportedImage, 2025-06-01) in the double's world of
 * late 2026: the Ubuntu 20.04 images are gone (retired 2025-04-23), the 22.04 ones end on
 * 2027-06-30, the container-capable successor is microsoft-dsvm/ubuntu-hpc/2404 with
 * `batch.node.ubuntu 24.04`, and Canonical's plain 24.04 image is not DockerCompatible. Tests may
 * pass their own list (BatchOptions.supportedImages).
 */
export interface SupportedImage {
  nodeAgentSKUId: string;
  imageReference: { publisher: string; offer: string; sku: string; version: string };
  verificationType: 'verified' | 'unverified';
  capabilities?: string[];
  batchSupportEndOfLife?: string;
  osType: 'linux' | 'windows';
}

export const DEFAULT_SUPPORTED_IMAGES: SupportedImage[] = [
  {
    nodeAgentSKUId: 'batch.node.ubuntu 24.04',
    imageReference: { publisher: 'microsoft-dsvm', offer: 'ubuntu-hpc', sku: '2404', version: 'latest' },
    verificationType: 'verified',
    capabilities: ['DockerCompatible', 'NvidiaTeslaDriverInstalled', 'SupportsRDMAOnly'],
    osType: 'linux',
  },
  {
    nodeAgentSKUId: 'batch.node.ubuntu 24.04',
    imageReference: { publisher: 'canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
    verificationType: 'verified',
    osType: 'linux',
  },
  {
    nodeAgentSKUId: 'batch.node.ubuntu 22.04',
    imageReference: { publisher: 'microsoft-dsvm', offer: 'ubuntu-hpc', sku: '2204', version: 'latest' },
    verificationType: 'verified',
    capabilities: ['DockerCompatible', 'NvidiaTeslaDriverInstalled', 'SupportsRDMAOnly'],
    batchSupportEndOfLife: '2027-06-30T00:00:00Z',
    osType: 'linux',
  },
  {
    nodeAgentSKUId: 'batch.node.ubuntu 22.04',
    imageReference: { publisher: 'canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts', version: 'latest' },
    verificationType: 'verified',
    batchSupportEndOfLife: '2027-06-30T00:00:00Z',
    osType: 'linux',
  },
  {
    nodeAgentSKUId: 'batch.node.el 9',
    imageReference: { publisher: 'almalinux', offer: 'almalinux-hpc', sku: '9-hpc-gen2', version: 'latest' },
    verificationType: 'unverified',
    capabilities: ['DockerCompatible', 'SupportsRDMAOnly'],
    osType: 'linux',
  },
  {
    nodeAgentSKUId: 'batch.node.windows amd64',
    imageReference: { publisher: 'microsoftwindowsserver', offer: 'windowsserver', sku: '2022-datacenter-core-smalldisk', version: 'latest' },
    verificationType: 'verified',
    capabilities: ['DockerCompatible'],
    osType: 'windows',
  },
];

const same = (a: string | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();

export function findImage(images: SupportedImage[], ref: { publisher?: string; offer?: string; sku?: string }): SupportedImage | undefined {
  return images.find((i) => same(ref.publisher, i.imageReference.publisher) && same(ref.offer, i.imageReference.offer) && same(ref.sku, i.imageReference.sku));
}

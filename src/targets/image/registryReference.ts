import { AppError } from '../../core/errors';

/*
 * Docker's reference grammar (github.com/distribution/reference, regexp.go), as regular
 * expressions. A repository and a tag reach the engine's URL path and the registry, so anything
 * outside the grammar is refused here rather than passed on.
 */
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const domain = `${host}(?::[0-9]+)?`;
const name = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}';

const NAME = new RegExp(`^${name}$`);
const TAG = new RegExp(`^${tag}$`);
/** A local image as the engine accepts it: a full reference, or an image id (full or short). */
const IMAGE = new RegExp(`^(?:${name}(?::${tag})?(?:@${digest})?|(?:sha256:)?[a-f0-9]{12,64})$`);
const NAME_MAX = 255;

/** The registry Docker Hub's short names ("rdeploy/mtcars", "ubuntu") belong to. */
export const DOCKER_HUB = 'docker.io';

/** Shows a refused value safely in a sentence: quoted, one line, not too long. */
function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/** Refuses a repository outside Docker's grammar ("127.0.0.1:5000/rdeploy/mtcars" is fine). */
export function validateRepository(repository: string): void {
  if (repository.length > NAME_MAX || !NAME.test(repository)) {
    throw new AppError(
      'unsafe-value',
      `The repository ${shown(repository)} is not a valid Docker repository name: use the registry host and a lowercase path without a tag, like registry.example.com/team/model.`,
    );
  }
}

/** Refuses a tag outside Docker's grammar (letters, digits, _ . -, at most 128, not starting with . or -). */
export function validateTag(value: string): void {
  if (!TAG.test(value)) {
    throw new AppError(
      'unsafe-value',
      `The tag ${shown(value)} is not a valid Docker tag: use up to 128 letters, digits, underscores, periods and dashes, not starting with a period or dash.`,
    );
  }
}

/** Refuses a local image reference that is neither an image id nor a Docker reference. */
export function validateImage(image: string): void {
  if (image.length > NAME_MAX + 200 || !IMAGE.test(image)) {
    throw new AppError('unsafe-value', `The image ${shown(image)} is not an image id or a Docker image reference: give the id or tag of an image you built.`);
  }
}

/**
 * The registry a repository is pushed to, the way Docker splits a name: the first path
 * component is a registry host when it has a dot or a port, or is `localhost`, or has capitals
 * (which a repository path never does); otherwise the name is on Docker Hub.
 */
export function registryOf(repository: string): string {
  const slash = repository.indexOf('/');
  if (slash < 0) return DOCKER_HUB;
  const first = repository.slice(0, slash);
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();
  if (!isHost) return DOCKER_HUB;
  return first === 'index.docker.io' ? DOCKER_HUB : first;
}

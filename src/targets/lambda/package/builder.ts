import type { RProject } from '../../../core/project/model';
import { AppError } from '../../../core/errors';

/**
 * The default builder: Amazon Linux 2023 (glibc 2.34, what `provided.al2023` runs) with Posit's
 * prebuilt R (rstudio/r-builds), which installs to /opt/R/<version>: the R that the layers carry
 * is built for exactly the OS Lambda runs. R Deploy builds this image once per R version and
 * architecture; `--builder-image` replaces it (tests here use a local Debian image, with
 * `--set glibcMax=2.36`, since this machine reaches neither AWS's registry nor Posit's CDN).
 */
export function defaultBuilder(project: RProject, architecture: 'x86_64' | 'arm64'): { tag: string; dockerfile: string } {
  const version = project.rVersion;
  if (!version || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new AppError(
      'usage',
      'The project does not say which R version it needs (no lockfile with an R version), so the default Lambda builder cannot choose one. Pass --builder-image IMAGE, an image with R on glibc 2.34 or older.',
    );
  }
  const rpmArch = architecture === 'arm64' ? 'aarch64' : 'x86_64';
  const dockerfile = [
    '# R Deploy: the default AWS Lambda builder (Amazon Linux 2023 + Posit\'s R build in /opt/R).',
    'FROM public.ecr.aws/amazonlinux/amazonlinux:2023',
    `ARG R_VERSION=${version}`,
    'RUN dnf install -y --setopt=install_weak_deps=False findutils binutils shadow-utils tar gzip which && \\',
    `    curl -fsSLo /tmp/r.rpm https://cdn.posit.co/r/rhel-9/pkgs/R-\${R_VERSION}-1-1.${rpmArch}.rpm && \\`,
    '    dnf install -y /tmp/r.rpm && rm -f /tmp/r.rpm && dnf clean all',
    'ENV PATH=/opt/R/${R_VERSION}/bin:$PATH',
    '',
  ].join('\n');
  return { tag: `rdeploy-lambda-builder:al2023-r${version}-${architecture}`, dockerfile };
}

import type { RProject } from '../../core/project/model';

/** The base image users get when they do not choose one: rocker's image of their R version. */
export function defaultBaseImage(project: RProject): string {
  return `rocker/r-ver:${project.rVersion ?? 'latest'}`;
}

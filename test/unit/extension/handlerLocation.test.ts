import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { candidateRoots, handlerDefinitionLine, handlerTarget } from '../../../src/core/view/handlerLocation';

const repo = path.resolve(__dirname, '../../..');

describe('handlerDefinitionLine', () => {
  it('finds the handler of the example projects', () => {
    const score = readFileSync(path.join(repo, 'examples/mtcars-glm/score.R'), 'utf8');
    const line = handlerDefinitionLine(score, 'score');
    expect(line).toBeDefined();
    expect(score.split('\n')[line!]).toMatch(/^score <- function\(/);
    const predict = readFileSync(path.join(repo, 'examples/iris-rpart/predict.R'), 'utf8');
    const l2 = handlerDefinitionLine(predict, 'classify');
    expect(predict.split('\n')[l2!]).toMatch(/classify/);
  });

  it('accepts = , <<-, quoted names and lambdas; ignores calls and other functions', () => {
    expect(handlerDefinitionLine('x <- 1\n  "score" = function(a) a', 'score')).toBe(1);
    expect(handlerDefinitionLine('score <<- \\(a) a', 'score')).toBe(0);
    expect(handlerDefinitionLine('score(1)\nscorer <- function() 1', 'score')).toBeUndefined();
    expect(handlerDefinitionLine('predict.v2 <- function(x) x', 'predict.v2')).toBe(0);
    expect(handlerDefinitionLine('predictXv2 <- function(x) x', 'predict.v2')).toBeUndefined();
  });
});

describe('handlerTarget and candidateRoots', () => {
  it('maps file.function to the file and function', () => {
    expect(handlerTarget('/p', 'score.score')).toEqual({ file: path.join('/p', 'score.R'), fn: 'score' });
    expect(handlerTarget('/p', 'api/model.predict.v2')).toEqual({ file: path.join('/p', 'api', 'model.R'), fn: 'predict.v2' });
  });

  it('lists the file folder and its parents up to the workspace folder', () => {
    expect(candidateRoots('/w/p/api/model.R', '/w')).toEqual(['/w/p/api', '/w/p', '/w']);
    expect(candidateRoots('/a/score.R', undefined)).toEqual(['/a', '/']);
  });
});

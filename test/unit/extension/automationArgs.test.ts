import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { isAutomationObject, parseAutomationArgs } from '../../../src/core/view/automationArgs';

describe('parseAutomationArgs', () => {
  it('is undefined without an argument (Command Palette)', () => {
    expect(parseAutomationArgs(undefined)).toBeUndefined();
    expect(parseAutomationArgs(null)).toBeUndefined();
  });

  it('reads the contract fields', () => {
    const args = { root: '/p', name: 'x', target: 'local', baseImage: 'img', payload: '{}', payloadName: 'one-car', confirm: false };
    expect(parseAutomationArgs(args)).toEqual(args);
  });

  it('names the wrong field', () => {
    expect(() => parseAutomationArgs({ target: 'Mars!' })).toThrow(/"target"/);
    expect(() => parseAutomationArgs({ confirm: true })).toThrow(AppError);
    expect(() => parseAutomationArgs('mtcars')).toThrow(/Expected an object/);
  });
});

describe('isAutomationObject', () => {
  it('is true only when the object says a program calls (automation: true or confirm: false)', () => {
    expect(isAutomationObject({ root: '/p', automation: true })).toBe(true);
    expect(isAutomationObject({ root: '/p', name: 'x', confirm: false })).toBe(true);
    expect(parseAutomationArgs({ root: '/p', automation: true })).toEqual({ root: '/p', automation: true });
  });

  it('is false for what UI callers pass: nothing, {root}, {root, name}, a Uri-like object', () => {
    expect(isAutomationObject(undefined)).toBe(false);
    expect(isAutomationObject(null)).toBe(false);
    expect(isAutomationObject({ root: '/p' })).toBe(false);
    expect(isAutomationObject({ root: '/p', name: 'x' })).toBe(false);
    expect(isAutomationObject({ scheme: 'untitled', path: 'Untitled-1' })).toBe(false);
    expect(isAutomationObject({ automation: 'yes', confirm: true })).toBe(false);
    expect(isAutomationObject([{ automation: true }])).toBe(false);
  });
});

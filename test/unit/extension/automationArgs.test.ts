import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { parseAutomationArgs } from '../../../src/core/view/automationArgs';

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
    expect(() => parseAutomationArgs({ target: 'mars' })).toThrow(/"target"/);
    expect(() => parseAutomationArgs({ confirm: true })).toThrow(AppError);
    expect(() => parseAutomationArgs('mtcars')).toThrow(/Expected an object/);
  });
});

import { describe, expect, it } from 'vitest';
import { isLiumError, LiumError } from './index.ts';

class ExampleError extends LiumError {}

describe('LiumError', () => {
  it('carries a stable code, a hint, a cause and its class name', () => {
    const cause = new Error('socket hang up');
    const error = new ExampleError('Could not reach the API', {
      code: 'connection_failed',
      hint: 'Check your network.',
      cause,
    });
    expect(error.code).toBe('connection_failed');
    expect(error.hint).toBe('Check your network.');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('ExampleError');
    expect(error).toBeInstanceOf(Error);
  });

  it('is recognised by the brand check, plain errors are not', () => {
    expect(isLiumError(new LiumError('x', { code: 'x' }))).toBe(true);
    expect(isLiumError(new Error('x'))).toBe(false);
    expect(isLiumError({ code: 'x' })).toBe(false);
    expect(isLiumError(null)).toBe(false);
  });

  it('is recognised across copies of the package (brand, not instanceof)', () => {
    const foreign = Object.assign(new Error('x'), { code: 'x' });
    Object.defineProperty(foreign, Symbol.for('lium.error'), { value: true });
    expect(isLiumError(foreign)).toBe(true);
  });
});

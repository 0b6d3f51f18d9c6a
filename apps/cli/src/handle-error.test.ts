import { LiumError } from '@lium/errors';
import { describe, expect, it } from 'vitest';
import { CliInterruptedError, CliUsageError } from './errors.ts';
import { describeError } from './handle-error.ts';

describe('describeError', () => {
  it('maps usage errors, including bad time specs and targets, to exit 2', () => {
    expect(describeError(new CliUsageError('bad'), false).exitCode).toBe(2);
    for (const code of ['time_spec_invalid', 'time_spec_past', 'target_invalid']) {
      expect(describeError(new LiumError('x', { code }), false).exitCode).toBe(2);
    }
  });

  it('maps interruptions to 130, also an abort seen after Ctrl-C', () => {
    expect(describeError(new CliInterruptedError(), false).exitCode).toBe(130);
    expect(describeError(new LiumError('aborted', { code: 'aborted' }), true).exitCode).toBe(130);
    expect(describeError(new LiumError('aborted', { code: 'aborted' }), false).exitCode).toBe(1);
    expect(describeError(new Error('boom'), true).exitCode).toBe(130);
  });

  it('gives CLI hints where the SDK would name its own options', () => {
    const auth = describeError(new LiumError('401', { code: 'unauthenticated', hint: 'x' }), false);
    expect(auth.hint).toBe('Run `lium init` or set LIUM_API_KEY.');
    const own = describeError(new LiumError('m', { code: 'something', hint: 'keep me' }), false);
    expect(own.hint).toBe('keep me');
  });

  it('reports unexpected errors as such, exit 1', () => {
    const report = describeError(new TypeError('x is undefined'), false);
    expect(report).toMatchObject({ exitCode: 1, code: 'internal_error' });
    expect(report.message).toContain('x is undefined');
    expect(report.hint).toContain('--debug');
  });
});

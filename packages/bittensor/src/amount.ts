import { LiumAmountError } from './errors.ts';

/** Rao in one TAO: TAO has 9 decimals. */
export const RAO_PER_TAO = 1_000_000_000n;

const TAO_TEXT = /^(\d*)(?:\.(\d*))?$/;

/**
 * Reads a TAO amount as written by a person (`1`, `0.5`, `.25`, `12.000000001`) into rao.
 * Throws `LiumAmountError` (`amount_invalid`) unless it is positive with at most 9 decimals;
 * no floating point is involved, so `0.1` is exactly 100 000 000 rao.
 */
export function parseTao(text: string): bigint {
  const trimmed = text.trim();
  const match = TAO_TEXT.exec(trimmed);
  const whole = match?.[1] ?? '';
  const fraction = match?.[2] ?? '';
  if (!match || (whole === '' && fraction === '')) {
    throw new LiumAmountError(`"${trimmed.slice(0, 40)}" is not an amount of TAO`, {
      code: 'amount_invalid',
      hint: 'Give a positive number such as 0.5 (at most 9 decimals).',
    });
  }
  if (fraction.length > 9) {
    throw new LiumAmountError(`${trimmed} TAO has more than 9 decimals`, {
      code: 'amount_invalid',
      hint: '1 TAO = 10^9 rao: round to at most 9 decimals.',
    });
  }
  const rao = BigInt(whole || '0') * RAO_PER_TAO + BigInt(fraction.padEnd(9, '0') || '0');
  if (rao <= 0n) {
    throw new LiumAmountError('The amount must be more than 0 TAO', {
      code: 'amount_invalid',
      hint: 'Give a positive number such as 0.5.',
    });
  }
  return rao;
}

/** Rao as a TAO figure without trailing zeros: `1500000000n` → `"1.5"`. */
export function formatTao(rao: bigint): string {
  const negative = rao < 0n;
  const abs = negative ? -rao : rao;
  const whole = abs / RAO_PER_TAO;
  const fraction = (abs % RAO_PER_TAO).toString().padStart(9, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

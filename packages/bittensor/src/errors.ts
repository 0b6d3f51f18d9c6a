import { LiumError } from '@lium/errors';

/** Why a wallet could not be read or unlocked. */
export type LiumWalletErrorCode =
  | 'wallet_not_found'
  | 'wallet_invalid'
  | 'wallet_name_invalid'
  | 'wallet_password_wrong'
  | 'wallet_password_missing'
  | 'keyfile_unsupported'
  | 'keyfile_invalid';

/**
 * A Bittensor wallet that is missing, malformed, locked with the wrong password or in a format
 * we do not read. Messages name the file, never its contents or the password.
 */
export class LiumWalletError extends LiumError {
  declare readonly code: LiumWalletErrorCode;
  /** The file or directory concerned, when there is one. */
  readonly path: string | undefined;

  constructor(
    message: string,
    options: { code: LiumWalletErrorCode; hint?: string; path?: string; cause?: unknown },
  ) {
    super(message, { code: options.code, hint: options.hint, cause: options.cause });
    this.path = options.path;
  }
}

/** Why a chain call or a transfer did not go through. */
export type LiumChainErrorCode =
  | 'network_invalid'
  | 'chain_unreachable'
  | 'chain_timeout'
  | 'chain_rpc_failed'
  | 'chain_response_invalid'
  | 'transfer_rejected'
  | 'transfer_failed'
  | 'transfer_dropped'
  | 'transfer_outcome_unknown';

/**
 * A subtensor endpoint that cannot be reached or answered an error, or a transfer the chain
 * refused (`transfer_rejected`: never entered a block, nothing was spent), included but failed
 * (`transfer_failed`), or whose fate is unknown after it was sent (`transfer_outcome_unknown`:
 * do not send it again before checking the explorer).
 */
export class LiumChainError extends LiumError {
  declare readonly code: LiumChainErrorCode;
  /** The extrinsic's hash once it was built (for `transfer_*` codes). */
  readonly extrinsicHash: string | undefined;

  constructor(
    message: string,
    options: { code: LiumChainErrorCode; hint?: string; extrinsicHash?: string; cause?: unknown },
  ) {
    super(message, { code: options.code, hint: options.hint, cause: options.cause });
    this.extrinsicHash = options.extrinsicHash;
  }
}

/** Why an amount of TAO cannot be sent. */
export type LiumAmountErrorCode = 'amount_invalid' | 'insufficient_balance';

/** An amount that is not a positive TAO figure with at most 9 decimals, or more than the wallet can send. */
export class LiumAmountError extends LiumError {
  declare readonly code: LiumAmountErrorCode;

  constructor(message: string, options: { code: LiumAmountErrorCode; hint?: string }) {
    super(message, options);
  }
}

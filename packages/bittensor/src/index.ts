// Light modules only at the top: @polkadot/*, ws, tweetnacl and hash-wasm are imported on
// first use, so importing this package to find a wallet costs almost nothing.
export { formatTao, parseTao, RAO_PER_TAO } from './amount.ts';
export {
  LiumAmountError,
  type LiumAmountErrorCode,
  LiumChainError,
  type LiumChainErrorCode,
  LiumWalletError,
  type LiumWalletErrorCode,
} from './errors.ts';
export {
  type DecryptOptions,
  decryptKeyfile,
  deriveNaclKey,
  encryptKeyfileNacl,
  type KeyfileEncryption,
  keyfileEncryption,
  NACL_KDF,
  NACL_SALT,
} from './keyfile.ts';
export {
  type ColdkeySigner,
  type PasswordSource,
  type UnlockOptions,
  unlockColdkey,
} from './keypair.ts';
export { DEFAULT_NETWORK, NETWORKS, type NetworkName, resolveNetwork } from './networks.ts';
export { type ConnectOptions, JsonRpcSocket, RpcCallError, type RpcErrorBody } from './rpc.ts';
export {
  SubtensorClient,
  type TransferOptions,
  type TransferReceipt,
  type TransferStatus,
} from './subtensor.ts';
export {
  checkWalletName,
  DEFAULT_WALLET_NAME,
  defaultWalletsPath,
  openWallet,
  type Wallet,
  type WalletLocation,
  type WalletPublicFile,
  walletDirOf,
  walletPublicFiles,
  walletsPathOf,
} from './wallet.ts';

import type { Metadata, TypeRegistry } from '@polkadot/types';
import { LiumChainError } from './errors.ts';
import type { ColdkeySigner } from './keypair.ts';
import { type ConnectOptions, JsonRpcSocket, RpcCallError } from './rpc.ts';

type Types = typeof import('@polkadot/types');
type Crypto = typeof import('@polkadot/util-crypto');
type Decorated = ReturnType<Types['expandMetadata']>;

/** Where a submitted transfer is. */
export type TransferStatus =
  | { type: 'submitted'; extrinsicHash: string }
  | { type: 'ready'; extrinsicHash: string }
  | { type: 'in_block'; extrinsicHash: string; blockHash: string };

/** A transfer included in a block and executed without error. */
export interface TransferReceipt {
  blockHash: string;
  blockNumber: number | undefined;
  extrinsicHash: string;
  /** The extrinsic's position in the block. */
  extrinsicIndex: number;
}

/** Options of {@link SubtensorClient.transferKeepAlive}. */
export interface TransferOptions {
  onStatus?: ((status: TransferStatus) => void) | undefined;
  /** How long to wait for inclusion once submitted; default 120 000 ms. */
  inclusionTimeoutMs?: number | undefined;
  /** Era length in blocks (the transaction is valid this long); default 64. */
  eraPeriod?: number | undefined;
}

const RUNTIME_API_QUERY_INFO = 'TransactionPaymentApi_query_info';

/**
 * A small subtensor (Substrate) client over JSON-RPC: reads the runtime metadata once, then
 * reads free balances, estimates fees, and submits `Balances.transfer_keep_alive` signed with
 * an sr25519 coldkey, waiting until it is in a block and checking it did not fail. Nothing is
 * ever submitted twice.
 */
export class SubtensorClient {
  readonly url: string;
  readonly #rpc: JsonRpcSocket;
  readonly #types: Types;
  readonly #crypto: Crypto;
  readonly #registry: TypeRegistry;
  readonly #decorated: Decorated;
  readonly #genesisHash: string;
  readonly #runtime: { specVersion: number; transactionVersion: number };
  readonly #ss58Format: number;

  private constructor(init: {
    rpc: JsonRpcSocket;
    types: Types;
    crypto: Crypto;
    registry: TypeRegistry;
    decorated: Decorated;
    genesisHash: string;
    runtime: { specVersion: number; transactionVersion: number };
    ss58Format: number;
  }) {
    this.url = init.rpc.url;
    this.#rpc = init.rpc;
    this.#types = init.types;
    this.#crypto = init.crypto;
    this.#registry = init.registry;
    this.#decorated = init.decorated;
    this.#genesisHash = init.genesisHash;
    this.#runtime = init.runtime;
    this.#ss58Format = init.ss58Format;
  }

  /** Connects and loads the runtime (genesis hash, versions, metadata). */
  static async connect(url: string, options: ConnectOptions = {}): Promise<SubtensorClient> {
    const [types, crypto, rpc] = await Promise.all([
      import('@polkadot/types'),
      import('@polkadot/util-crypto'),
      JsonRpcSocket.connect(url, options),
    ]);
    try {
      await crypto.cryptoWaitReady();
      const [genesisHash, runtime, metadataHex, properties] = await Promise.all([
        call<string>(rpc, 'chain_getBlockHash', [0]),
        call<{ specVersion: number; transactionVersion: number }>(rpc, 'state_getRuntimeVersion'),
        call<string>(rpc, 'state_getMetadata'),
        call<{ ss58Format?: number } | null>(rpc, 'system_properties').catch(() => null),
      ]);
      if (typeof genesisHash !== 'string' || typeof metadataHex !== 'string' || !runtime) {
        throw invalid('the chain did not describe its runtime');
      }
      const registry = new types.TypeRegistry();
      let metadata: Metadata;
      try {
        metadata = new types.Metadata(registry, metadataHex as `0x${string}`);
        registry.setMetadata(metadata, undefined, undefined, true);
      } catch (error) {
        throw invalid('the runtime metadata could not be decoded', error);
      }
      const ss58Format = typeof properties?.ss58Format === 'number' ? properties.ss58Format : 42;
      return new SubtensorClient({
        rpc,
        types,
        crypto,
        registry,
        decorated: types.expandMetadata(registry, metadata),
        genesisHash,
        runtime: {
          specVersion: runtime.specVersion,
          transactionVersion: runtime.transactionVersion,
        },
        ss58Format,
      });
    } catch (error) {
      rpc.close();
      throw error;
    }
  }

  /** `Balances.ExistentialDeposit`: what a `keep_alive` transfer must leave behind, in rao. */
  get existentialDeposit(): bigint {
    const value = this.#decorated.consts.balances?.existentialDeposit as
      | { toBigInt?: () => bigint }
      | undefined;
    return value?.toBigInt?.() ?? 0n;
  }

  /** True for a valid SS58 address (any prefix). */
  isAddress(address: string): boolean {
    try {
      return this.#crypto.decodeAddress(address).length === 32;
    } catch {
      return false;
    }
  }

  /** The free balance of an account, in rao (0 for an account the chain does not know). */
  async getFreeBalance(address: string): Promise<bigint> {
    const entry = this.#decorated.query.system?.account;
    if (!entry) throw invalid('the runtime has no System.Account storage');
    const key = this.#registry.createType('StorageKey', [entry, [address]]);
    const hex = await call<string | null>(this.#rpc, 'state_getStorage', [key.toHex()]);
    const type = this.#types.unwrapStorageType(this.#registry, entry.meta.type, true);
    const info = this.#registry.createType(type, hex ?? undefined) as unknown as {
      isSome?: boolean;
      unwrapOr?: (fallback: unknown) => unknown;
      data?: { free: { toBigInt(): bigint } };
    };
    const account = (info.unwrapOr ? info.unwrapOr(undefined) : info) as
      | { data?: { free: { toBigInt(): bigint } } }
      | undefined;
    return account?.data?.free.toBigInt() ?? 0n;
  }

  /** The fee (`partialFee`, rao) of a `transfer_keep_alive` of `rao` from `from` to `to`. */
  async estimateTransferFee(from: string, to: string, rao: bigint): Promise<bigint> {
    const extrinsic = this.#transfer(to, rao);
    const nonce = await this.#nonce(from);
    extrinsic.signFake(from, {
      blockHash: this.#genesisHash,
      genesisHash: this.#genesisHash,
      nonce,
      runtimeVersion: this.#runtime as never,
    });
    const u8a = extrinsic.toU8a();
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, u8a.length, true);
    const input = new Uint8Array(u8a.length + 4);
    input.set(u8a, 0);
    input.set(length, u8a.length);
    const result = await call<string>(this.#rpc, 'state_call', [
      RUNTIME_API_QUERY_INFO,
      toHex(input),
    ]);
    try {
      const info = this.#registry.createType('RuntimeDispatchInfoV2', result) as unknown as {
        partialFee: { toBigInt(): bigint };
      };
      return info.partialFee.toBigInt();
    } catch (error) {
      throw invalid('the fee estimate could not be decoded', error);
    }
  }

  /**
   * Signs and submits `Balances.transfer_keep_alive(to, rao)` and waits until it is in a
   * block, then checks the block's events: `ExtrinsicFailed` throws `transfer_failed`. A node
   * refusing it throws `transfer_rejected` (nothing spent); losing sight of it after sending
   * throws `transfer_outcome_unknown` with its hash (check before sending again).
   */
  async transferKeepAlive(
    signer: ColdkeySigner,
    to: string,
    rao: bigint,
    options: TransferOptions = {},
  ): Promise<TransferReceipt> {
    const extrinsic = this.#transfer(to, rao);
    const [nonce, finalized] = await Promise.all([
      this.#nonce(signer.address),
      call<string>(this.#rpc, 'chain_getFinalizedHead'),
    ]);
    const header = await call<{ number: string }>(this.#rpc, 'chain_getHeader', [finalized]);
    const current = Number.parseInt(header.number, 16);
    const period = options.eraPeriod ?? 64;
    const keyring = {
      address: signer.address,
      addressRaw: signer.publicKey,
      publicKey: signer.publicKey,
      type: 'sr25519' as const,
      sign: (data: Uint8Array, signOptions?: { withType?: boolean }) => {
        const signature = signer.sign(data);
        if (!signOptions?.withType) return signature;
        const typed = new Uint8Array(65);
        typed[0] = 1; // MultiSignature::Sr25519
        typed.set(signature, 1);
        return typed;
      },
    };
    extrinsic.sign(keyring as never, {
      blockHash: finalized,
      era: this.#registry.createType('ExtrinsicEra', { current, period }),
      genesisHash: this.#genesisHash,
      nonce,
      runtimeVersion: this.#runtime as never,
    });
    const hex = extrinsic.toHex();
    const extrinsicHash = toHex(this.#crypto.blake2AsU8a(extrinsic.toU8a(), 256));
    const blockHash = await this.#submit(hex, extrinsicHash, options);
    return this.#checkOutcome(hex, extrinsicHash, blockHash);
  }

  /** Closes the connection. */
  close(): void {
    this.#rpc.close();
  }

  #transfer(to: string, rao: bigint) {
    const transfer = this.#decorated.tx.balances?.transferKeepAlive;
    if (!transfer) throw invalid('the runtime has no Balances.transfer_keep_alive');
    if (!this.isAddress(to)) throw invalid(`${to} is not an SS58 address`);
    return this.#registry.createType('Extrinsic', transfer({ Id: to }, rao));
  }

  async #nonce(address: string): Promise<number> {
    const nonce = await call<number>(this.#rpc, 'system_accountNextIndex', [address]);
    if (typeof nonce !== 'number') throw invalid('the chain did not give the account nonce');
    return nonce;
  }

  #submit(hex: string, extrinsicHash: string, options: TransferOptions): Promise<string> {
    const rpc = this.#rpc;
    const unknownOutcome = (why: string, cause?: unknown) =>
      new LiumChainError(`Lost track of the transfer ${extrinsicHash}: ${why}`, {
        code: 'transfer_outcome_unknown',
        extrinsicHash,
        hint: 'It may still land: look the hash up on a block explorer before sending again.',
        cause,
      });
    return new Promise<string>((resolve, reject) => {
      let subscription: string | undefined;
      let settled = false;
      const timer = setTimeout(
        () => finish(undefined, unknownOutcome('no block included it in time')),
        options.inclusionTimeoutMs ?? 120_000,
      );
      const finish = (blockHash: string | undefined, error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        rpc.onClose = undefined;
        if (subscription !== undefined) {
          rpc.forget(subscription);
          rpc.request('author_unwatchExtrinsic', [subscription]).catch(() => undefined);
        }
        if (error) reject(error);
        else resolve(blockHash as string);
      };
      rpc.onClose = (error) => finish(undefined, unknownOutcome('the connection closed', error));
      const onStatus = (status: unknown) => {
        if (status === 'ready' || status === 'future') {
          options.onStatus?.({ type: 'ready', extrinsicHash });
          return;
        }
        if (status === 'invalid' || status === 'dropped') {
          finish(
            undefined,
            new LiumChainError(
              `The chain ${status === 'invalid' ? 'rejected' : 'dropped'} the transfer`,
              {
                code: status === 'invalid' ? 'transfer_rejected' : 'transfer_dropped',
                extrinsicHash,
                hint: 'Nothing was spent. Check the balance and try again.',
              },
            ),
          );
          return;
        }
        if (typeof status === 'object' && status !== null) {
          const record = status as Record<string, unknown>;
          const blockHash = record.inBlock ?? record.finalized;
          if (typeof blockHash === 'string') {
            options.onStatus?.({ type: 'in_block', extrinsicHash, blockHash });
            finish(blockHash);
          } else if (record.usurped !== undefined) {
            finish(
              undefined,
              unknownOutcome('another transaction with the same nonce replaced it'),
            );
          }
        }
      };
      rpc
        .subscribe('author_submitAndWatchExtrinsic', [hex], onStatus)
        .then((id) => {
          if (settled) {
            // Settled by updates replayed while subscribing: stop watching now.
            rpc.forget(id);
            rpc.request('author_unwatchExtrinsic', [id]).catch(() => undefined);
          } else {
            subscription = id;
            options.onStatus?.({ type: 'submitted', extrinsicHash });
          }
        })
        .catch((error: unknown) => {
          if (error instanceof RpcCallError) {
            finish(
              undefined,
              new LiumChainError(
                `The chain rejected the transfer: ${error.rpc.message}${typeof error.rpc.data === 'string' ? ` (${error.rpc.data})` : ''}`,
                {
                  code: 'transfer_rejected',
                  extrinsicHash,
                  hint: 'Nothing was spent. Check the amount, fee and balance, then try again.',
                },
              ),
            );
          } else {
            finish(undefined, unknownOutcome('the submission got no answer', error));
          }
        });
    });
  }

  async #checkOutcome(
    hex: string,
    extrinsicHash: string,
    blockHash: string,
  ): Promise<TransferReceipt> {
    const block = await call<{ block: { header: { number: string }; extrinsics: string[] } }>(
      this.#rpc,
      'chain_getBlock',
      [blockHash],
    );
    const index = block.block.extrinsics.indexOf(hex);
    if (index < 0) throw invalid(`block ${blockHash} does not contain the transfer`);
    const entry = this.#decorated.query.system?.events;
    if (!entry) throw invalid('the runtime has no System.Events storage');
    const key = this.#registry.createType('StorageKey', [entry]);
    const eventsHex = await call<string | null>(this.#rpc, 'state_getStorage', [
      key.toHex(),
      blockHash,
    ]);
    const type = this.#types.unwrapStorageType(this.#registry, entry.meta.type, false);
    const records = this.#registry.createType(type, eventsHex ?? undefined) as unknown as Array<{
      phase: { isApplyExtrinsic: boolean; asApplyExtrinsic: { toNumber(): number } };
      event: { section: string; method: string; data: unknown[] };
    }>;
    for (const record of records) {
      if (!record.phase.isApplyExtrinsic || record.phase.asApplyExtrinsic.toNumber() !== index)
        continue;
      if (record.event.section === 'system' && record.event.method === 'ExtrinsicFailed') {
        throw new LiumChainError(
          `The transfer failed in block ${blockHash}: ${this.#dispatchError(record.event.data[0])}`,
          {
            code: 'transfer_failed',
            extrinsicHash,
            hint: 'Only the fee was charged. Check the balance and try again.',
          },
        );
      }
    }
    return {
      blockHash,
      blockNumber: Number.parseInt(block.block.header.number, 16),
      extrinsicHash,
      extrinsicIndex: index,
    };
  }

  #dispatchError(error: unknown): string {
    const value = error as {
      isModule?: boolean;
      asModule?: unknown;
      type?: string;
    };
    if (value?.isModule) {
      try {
        const meta = this.#registry.findMetaError(value.asModule as never);
        return `${meta.section}.${meta.name}`;
      } catch {
        return 'a module error';
      }
    }
    return value?.type ?? 'unknown error';
  }
}

async function call<T>(rpc: JsonRpcSocket, method: string, params: unknown[] = []): Promise<T> {
  try {
    return await rpc.request<T>(method, params);
  } catch (error) {
    if (error instanceof RpcCallError) {
      throw new LiumChainError(`The chain refused ${method}: ${error.rpc.message}`, {
        code: 'chain_rpc_failed',
        hint: 'Check that --network points at a subtensor node.',
        cause: error,
      });
    }
    throw error;
  }
}

function invalid(what: string, cause?: unknown): LiumChainError {
  return new LiumChainError(`Unexpected answer from the chain: ${what}`, {
    code: 'chain_response_invalid',
    hint: 'Check that --network points at a subtensor node.',
    cause,
  });
}

function toHex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes).toString('hex')}`;
}

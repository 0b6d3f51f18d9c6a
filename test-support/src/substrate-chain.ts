/**
 * A loopback Substrate node for tests of chain clients: a JSON-RPC WebSocket server on
 * 127.0.0.1 that serves real runtime metadata (Kusama's, shipped in @polkadot/types-support),
 * keeps balances and nonces, and answers the calls a transfer client makes. Every submitted
 * extrinsic is decoded with that metadata and checked like a node would: sr25519 signature
 * over the real signing payload (genesis, era birth block, spec/tx versions), nonce, and fee.
 * Only `Balances.transfer_keep_alive` is executed.
 *
 *   const chain = await startSubstrateChain({ balances: { [alice]: 5n * TAO } });
 *   ... client connects to chain.url, sends a transfer ...
 *   expect(chain.submissions).toHaveLength(1);
 *   expect(chain.transfers[0]).toMatchObject({ to: company, amount: 10n ** 9n });
 *   await chain.close();
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { expandMetadata, Metadata, TypeRegistry, unwrapStorageType } from '@polkadot/types';
import kusamaMetadata from '@polkadot/types-support/metadata/static-kusama';
import {
  blake2AsU8a,
  cryptoWaitReady,
  decodeAddress,
  encodeAddress,
  sr25519Verify,
  xxhashAsU8a,
} from '@polkadot/util-crypto';
import { WebSocket, WebSocketServer } from 'ws';

/** One extrinsic the node received, decoded. */
export interface Submission {
  hex: string;
  /** blake2-256 of the extrinsic bytes, 0x-hex. */
  hash: string;
  signer: string | undefined;
  section: string;
  method: string;
  /** `transfer_keep_alive`'s destination (SS58, prefix 42) and value. */
  dest: string | undefined;
  amount: bigint | undefined;
  nonce: number;
  signatureValid: boolean;
  /** `accepted`, or why the node refused it. */
  verdict:
    | 'accepted'
    | 'bad_signature'
    | 'stale_nonce'
    | 'future_nonce'
    | 'cannot_pay'
    | 'unsupported_call'
    | 'forced_reject';
}

/** A transfer the node executed (successfully or not). */
export interface ChainTransfer {
  from: string;
  to: string;
  amount: bigint;
  fee: bigint;
  blockHash: string;
  blockNumber: number;
  extrinsicHash: string;
  success: boolean;
  /** `Balances.<Error>` when it failed. */
  error: string | undefined;
}

export interface SubstrateChainOptions {
  /** Free balances in rao (planck) by SS58 address. */
  balances?: Record<string, bigint>;
  /** `partialFee` every fee query answers and every transfer pays; default 125 000 rao. */
  fee?: bigint;
  /**
   * Misbehaviour: `reject-rpc` answers the submission with a 1010 error, `invalid` sends the
   * `invalid` status, `fail` includes it with `ExtrinsicFailed`, `never-include` keeps it pending.
   */
  behaviour?: 'normal' | 'reject-rpc' | 'invalid' | 'fail' | 'never-include';
  /** Called when a transfer is executed, before the `inBlock` notification goes out. */
  onTransfer?: (transfer: ChainTransfer) => void | Promise<void>;
}

export interface SubstrateChain {
  /** `ws://127.0.0.1:<port>` */
  readonly url: string;
  readonly genesisHash: string;
  /** Every JSON-RPC method called, in order. */
  readonly calls: string[];
  readonly submissions: Submission[];
  readonly transfers: ChainTransfer[];
  /** Balances.ExistentialDeposit of the served runtime, in rao. */
  readonly existentialDeposit: bigint;
  behaviour: NonNullable<SubstrateChainOptions['behaviour']>;
  freeBalance(address: string): bigint;
  setBalance(address: string, free: bigint): void;
  close(): Promise<void>;
}

interface Block {
  number: number;
  hash: string;
  parentHash: string;
  extrinsics: string[];
  events: string;
}

interface Account {
  free: bigint;
  nonce: number;
}

const hex = (bytes: Uint8Array): string => `0x${Buffer.from(bytes).toString('hex')}`;
const fromHex = (text: string): Uint8Array =>
  Uint8Array.from(Buffer.from(text.replace(/^0x/, ''), 'hex'));
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
const u32le = (value: number): Uint8Array => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
};

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: string,
  ) {
    super(message);
  }
}

export async function startSubstrateChain(
  options: SubstrateChainOptions = {},
): Promise<SubstrateChain> {
  await cryptoWaitReady();
  const registry = new TypeRegistry();
  const metadata = new Metadata(registry, kusamaMetadata as `0x${string}`);
  registry.setMetadata(metadata, undefined, undefined, true);
  // Bittensor's SS58 prefix and token, whatever the metadata's chain used.
  registry.setChainProperties(
    registry.createType('ChainProperties', {
      ss58Format: 42,
      tokenDecimals: 9,
      tokenSymbol: 'TAO',
    }) as never,
  );
  const decorated = expandMetadata(registry, metadata);
  const runtime = {
    specName: 'loopback',
    implName: 'lium-test-support',
    authoringVersion: 1,
    specVersion: 1_000,
    implVersion: 1,
    apis: [],
    transactionVersion: 7,
    stateVersion: 1,
  };
  const fee = options.fee ?? 125_000n;
  const existentialDeposit = (
    decorated.consts.balances!.existentialDeposit as unknown as { toBigInt(): bigint }
  ).toBigInt();
  const accounts = new Map<string, Account>();
  const keyOf = (address: string): string => hex(decodeAddress(address));
  for (const [address, free] of Object.entries(options.balances ?? {})) {
    accounts.set(keyOf(address), { free, nonce: 0 });
  }
  const account = (publicKey: string): Account => {
    let entry = accounts.get(publicKey);
    if (!entry) {
      entry = { free: 0n, nonce: 0 };
      accounts.set(publicKey, entry);
    }
    return entry;
  };

  // --- metadata lookups for storage and events
  const pallets = metadata.asLatest.pallets;
  const palletOf = (name: string) => {
    const pallet = pallets.find((p) => p.name.eq(name));
    if (!pallet) throw new Error(`metadata has no ${name} pallet`);
    return pallet;
  };
  const variantOf = (typeId: { toNumber(): number }, name: string) => {
    const variant = registry.lookup
      .getSiType(typeId.toNumber())
      .def.asVariant.variants.find((v) => v.name.eq(name));
    if (!variant) throw new Error(`metadata has no ${name}`);
    return variant;
  };
  const system = palletOf('System');
  const balances = palletOf('Balances');
  const accountPrefix = concat(xxhashAsU8a('System', 128), xxhashAsU8a('Account', 128));
  const eventsKey = hex(concat(xxhashAsU8a('System', 128), xxhashAsU8a('Events', 128)));
  const accountEntry = decorated.query.system?.account;
  if (!accountEntry) throw new Error('metadata has no System.Account');
  const accountType = unwrapStorageType(registry, accountEntry.meta.type, false);
  const systemEvents = system.events.unwrap().type;
  const encodeEvent = (
    name: 'ExtrinsicSuccess' | 'ExtrinsicFailed',
    index: number,
    error?: string,
  ): Uint8Array => {
    const variant = variantOf(systemEvents, name);
    const fields = variant.fields.map((field) => {
      const type = registry.createLookupType(field.type);
      const isError = field.name.unwrapOr(undefined)?.toString() === 'dispatch_error';
      if (isError) {
        const errorVariant = variantOf(
          balances.errors.unwrap().type,
          error ?? 'InsufficientBalance',
        );
        const errorBytes = new Uint8Array(4);
        errorBytes[0] = errorVariant.index.toNumber();
        return registry
          .createType(type, { Module: { index: balances.index.toNumber(), error: errorBytes } })
          .toU8a();
      }
      return registry.createType(type, {}).toU8a();
    });
    const phase = concat(new Uint8Array([0]), u32le(index));
    const event = concat(
      new Uint8Array([system.index.toNumber(), variant.index.toNumber()]),
      ...fields,
    );
    const record = concat(phase, event, new Uint8Array([0]));
    return concat(new Uint8Array([1 << 2]), record); // Vec of one record
  };

  // --- blocks
  const randomHash = () => hex(randomBytes(32));
  const genesis: Block = {
    number: 0,
    hash: randomHash(),
    parentHash: hex(new Uint8Array(32)),
    extrinsics: [],
    events: '0x00',
  };
  const blocks: Block[] = [genesis];
  for (let i = 1; i <= 100; i++) {
    blocks.push({
      number: i,
      hash: randomHash(),
      parentHash: (blocks[i - 1] as Block).hash,
      extrinsics: [],
      events: '0x00',
    });
  }
  const head = () => blocks[blocks.length - 1] as Block;
  const byHash = (hash: unknown): Block => {
    if (hash === undefined || hash === null) return head();
    const block = blocks.find((b) => b.hash === hash);
    if (!block) throw new RpcError(4003, `Block ${String(hash)} not found`);
    return block;
  };
  const headerOf = (block: Block) => ({
    parentHash: block.parentHash,
    number: `0x${block.number.toString(16)}`,
    stateRoot: hex(new Uint8Array(32)),
    extrinsicsRoot: hex(new Uint8Array(32)),
    digest: { logs: [] },
  });

  const calls: string[] = [];
  const submissions: Submission[] = [];
  const transfers: ChainTransfer[] = [];

  // --- extrinsics
  const verify = (
    extrinsicHex: string,
  ): { submission: Submission; extrinsic: ReturnType<typeof decode> } => {
    const extrinsic = decode(extrinsicHex);
    const hash = hex(blake2AsU8a(fromHex(extrinsicHex), 256));
    const signer = extrinsic.isSigned ? extrinsic.signer.toString() : undefined;
    const args = extrinsic.method.args as unknown as [
      { toString(): string; asId?: { toU8a(): Uint8Array }; isId?: boolean },
      { toBigInt(): bigint },
    ];
    const isTransfer =
      extrinsic.method.section === 'balances' && extrinsic.method.method === 'transferKeepAlive';
    let dest: string | undefined;
    let amount: bigint | undefined;
    if (isTransfer) {
      const [to, value] = args;
      dest = to.isId && to.asId ? encodeAddress(to.asId.toU8a(), 42) : to.toString();
      amount = value.toBigInt();
    }
    let signatureValid = false;
    if (extrinsic.isSigned && signer) {
      const era = extrinsic.era;
      const birth = era.isMortalEra ? era.asMortalEra.birth(head().number) : 0;
      const birthBlock = blocks[birth];
      if (birthBlock) {
        const payload = registry.createType(
          'ExtrinsicPayload',
          {
            method: extrinsic.method.toHex(),
            era: extrinsic.era,
            nonce: extrinsic.nonce,
            tip: extrinsic.tip,
            mode: (extrinsic as unknown as { mode?: unknown }).mode,
            specVersion: runtime.specVersion,
            transactionVersion: runtime.transactionVersion,
            genesisHash: genesis.hash,
            blockHash: birthBlock.hash,
            version: 4,
          },
          { version: 4 },
        );
        let signed = payload.toU8a({ method: true });
        if (signed.length > 256) signed = blake2AsU8a(signed, 256);
        const signature = (extrinsic.signature as unknown as { toU8a(): Uint8Array }).toU8a();
        signatureValid = sr25519Verify(signed, signature, decodeAddress(signer));
      }
    }
    const nonce = extrinsic.nonce.toNumber();
    const submission: Submission = {
      hex: extrinsicHex,
      hash,
      signer,
      section: extrinsic.method.section,
      method: extrinsic.method.method,
      dest,
      amount,
      nonce,
      signatureValid,
      verdict: 'accepted',
    };
    if (!isTransfer) submission.verdict = 'unsupported_call';
    else if (!signatureValid) submission.verdict = 'bad_signature';
    else {
      const from = account(keyOf(signer as string));
      if (nonce < from.nonce) submission.verdict = 'stale_nonce';
      else if (nonce > from.nonce) submission.verdict = 'future_nonce';
      else if (from.free < fee) submission.verdict = 'cannot_pay';
    }
    return { submission, extrinsic };
  };
  function decode(extrinsicHex: string) {
    try {
      return registry.createType('Extrinsic', extrinsicHex);
    } catch (error) {
      throw new RpcError(
        1002,
        'Verification Error: Runtime error: Could not decode',
        String(error),
      );
    }
  }
  const invalidReasons: Record<Submission['verdict'], string> = {
    accepted: '',
    bad_signature: 'Transaction has a bad signature',
    stale_nonce: 'Transaction is outdated',
    future_nonce: 'Transaction will be valid in the future',
    cannot_pay: 'Inability to pay some fees (e.g. account balance too low)',
    unsupported_call: 'Transaction call is not expected',
    forced_reject: 'Transaction has an ancient birth block',
  };

  const execute = async (submission: Submission): Promise<Block> => {
    const fromKey = keyOf(submission.signer as string);
    const from = account(fromKey);
    const amount = submission.amount as bigint;
    from.free -= fee;
    from.nonce += 1;
    let error: string | undefined;
    if (chain.behaviour === 'fail' || from.free < amount) error = 'InsufficientBalance';
    else if (from.free - amount < existentialDeposit) error = 'Expendability';
    if (error === undefined) {
      from.free -= amount;
      account(keyOf(submission.dest as string)).free += amount;
    }
    const parent = head();
    const block: Block = {
      number: parent.number + 1,
      hash: randomHash(),
      parentHash: parent.hash,
      extrinsics: [submission.hex],
      events: hex(
        encodeEvent(error === undefined ? 'ExtrinsicSuccess' : 'ExtrinsicFailed', 0, error),
      ),
    };
    blocks.push(block);
    const transfer: ChainTransfer = {
      from: submission.signer as string,
      to: submission.dest as string,
      amount,
      fee,
      blockHash: block.hash,
      blockNumber: block.number,
      extrinsicHash: submission.hash,
      success: error === undefined,
      error: error === undefined ? undefined : `balances.${error}`,
    };
    transfers.push(transfer);
    if (transfer.success) await options.onTransfer?.(transfer);
    return block;
  };

  // --- JSON-RPC
  let nextSubscription = 1;
  const handle = async (ws: WebSocket, method: string, params: unknown[]): Promise<unknown> => {
    switch (method) {
      case 'chain_getBlockHash': {
        const n = params[0] ?? head().number;
        return blocks[Number(n)]?.hash ?? null;
      }
      case 'chain_getFinalizedHead':
        return head().hash;
      case 'chain_getHeader':
        return headerOf(byHash(params[0]));
      case 'chain_getBlock': {
        const block = byHash(params[0]);
        return {
          block: { header: headerOf(block), extrinsics: block.extrinsics },
          justifications: null,
        };
      }
      case 'state_getRuntimeVersion':
        return runtime;
      case 'state_getMetadata':
        return kusamaMetadata;
      case 'system_properties':
        return { ss58Format: 42, tokenDecimals: 9, tokenSymbol: 'TAO' };
      case 'system_chain':
        return 'Lium loopback';
      case 'system_accountNextIndex':
        return account(keyOf(String(params[0]))).nonce;
      case 'state_getStorage': {
        const key = fromHex(String(params[0]));
        const block = byHash(params[1]);
        if (hex(key) === eventsKey) return block.events;
        const prefix = Buffer.from(key.subarray(0, 32));
        if (prefix.equals(Buffer.from(accountPrefix)) && key.length === 32 + 16 + 32) {
          const entry = accounts.get(hex(key.subarray(48)));
          if (!entry) return null;
          return registry
            .createType(accountType, {
              nonce: entry.nonce,
              consumers: 0,
              providers: 1,
              sufficients: 0,
              data: { free: entry.free, reserved: 0, frozen: 0 },
            })
            .toHex();
        }
        return null;
      }
      case 'state_call': {
        if (params[0] !== 'TransactionPaymentApi_query_info')
          throw new RpcError(4001, `Unknown runtime API ${String(params[0])}`);
        const input = fromHex(String(params[1]));
        const length = new DataView(input.buffer, input.byteOffset + input.length - 4).getUint32(
          0,
          true,
        );
        if (length !== input.length - 4) throw new RpcError(4002, 'Bad length suffix');
        decode(hex(input.subarray(0, input.length - 4)));
        return registry
          .createType('RuntimeDispatchInfoV2', {
            weight: { refTime: 150_000_000, proofSize: 3_593 },
            class: 'Normal',
            partialFee: fee,
          })
          .toHex();
      }
      case 'author_unwatchExtrinsic':
        return true;
      case 'author_submitAndWatchExtrinsic': {
        const { submission } = verify(String(params[0]));
        if (submission.verdict === 'accepted' && chain.behaviour === 'reject-rpc')
          submission.verdict = 'forced_reject';
        submissions.push(submission);
        if (submission.verdict !== 'accepted') {
          throw new RpcError(1010, 'Invalid Transaction', invalidReasons[submission.verdict]);
        }
        const id = `sub-${nextSubscription++}`;
        const notify = (result: unknown) => {
          if (ws.readyState === WebSocket.OPEN) {
            ws.send(
              JSON.stringify({
                jsonrpc: '2.0',
                method: 'author_extrinsicUpdate',
                params: { subscription: id, result },
              }),
            );
          }
        };
        setTimeout(async () => {
          notify('ready');
          if (chain.behaviour === 'invalid') return notify('invalid');
          if (chain.behaviour === 'never-include') return;
          const block = await execute(submission);
          notify({ inBlock: block.hash });
          notify({ finalized: block.hash });
        }, 20);
        return id;
      }
      default:
        throw new RpcError(-32601, `Method not found: ${method}`);
    }
  };

  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (ws) => {
    ws.on('message', async (data) => {
      let message: { id?: unknown; method?: unknown; params?: unknown };
      try {
        message = JSON.parse(String(data));
      } catch {
        return;
      }
      const method = String(message.method);
      calls.push(method);
      try {
        const result = await handle(
          ws,
          method,
          Array.isArray(message.params) ? message.params : [],
        );
        ws.send(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
      } catch (error) {
        const rpc = error instanceof RpcError ? error : new RpcError(-32603, String(error));
        ws.send(
          JSON.stringify({
            jsonrpc: '2.0',
            id: message.id,
            error: {
              code: rpc.code,
              message: rpc.message,
              ...(rpc.data === undefined ? {} : { data: rpc.data }),
            },
          }),
        );
      }
    });
  });
  const { port } = server.address() as AddressInfo;

  const chain: SubstrateChain = {
    url: `ws://127.0.0.1:${port}`,
    genesisHash: genesis.hash,
    calls,
    submissions,
    transfers,
    existentialDeposit,
    behaviour: options.behaviour ?? 'normal',
    freeBalance: (address) => accounts.get(keyOf(address))?.free ?? 0n,
    setBalance: (address, free) => {
      account(keyOf(address)).free = free;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
  return chain;
}

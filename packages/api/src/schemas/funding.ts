import * as v from 'valibot';
import { optNumber, optString } from './common.ts';

/** `GET /tmc-pay/currencies` (lium-api.md §2.9.1). */
export const TopupCurrenciesSchema = v.looseObject({
  currencies: v.array(
    v.looseObject({
      code: v.string(),
      network: v.string(),
      decimals: optNumber(),
      display_decimals: optNumber(),
    }),
  ),
});
/** What {@link TopupCurrenciesSchema} validates: `GET /tmc-pay/currencies` (lium-api.md §2.9.1). */
export type TopupCurrencies = v.InferOutput<typeof TopupCurrenciesSchema>;

/** `POST /tmc-pay/create-invoice`. */
export const TopupInvoiceSchema = v.looseObject({
  invoice_id: v.string(),
  deposit_address: optString(),
  crypto_amount: optNumber(),
  crypto_currency: optString(),
  crypto_network: optString(),
  exchange_rate: optNumber(),
  expires_at: optString(),
  fiat_amount: optNumber(),
  fiat_currency: optString(),
  hosted_invoice_url: optString(),
});
/** What {@link TopupInvoiceSchema} validates: `POST /tmc-pay/create-invoice`. */
export type TopupInvoice = v.InferOutput<typeof TopupInvoiceSchema>;

/** `POST /tao/create-transfer`: a redirect URL whose query carries `app_id` and `customer_id`. */
export const TaoTransferSchema = v.looseObject({ url: v.string() });
/** What {@link TaoTransferSchema} validates: `POST /tao/create-transfer`. */
export type TaoTransfer = v.InferOutput<typeof TaoTransferSchema>;

/** Pay API `GET /wallet/available-wallets/{stripe_customer_id}` entries. */
export const WalletSchema = v.looseObject({ wallet_hash: v.string() });
/**
 * What {@link WalletSchema} validates: pay API `GET /wallet/available-
 * wallets/{stripe_customer_id}` entries.
 */
export type Wallet = v.InferOutput<typeof WalletSchema>;

/** Pay API `GET /token/generate`. */
export const WalletTokenSchema = v.looseObject({ access_key: v.string() });
/** What {@link WalletTokenSchema} validates: pay API `GET /token/generate`. */
export type WalletToken = v.InferOutput<typeof WalletTokenSchema>;

/** Pay API `POST /token/verify`: `{"status": "ok"}` (compare case-insensitively). */
export const WalletVerificationSchema = v.looseObject({ status: v.string() });
/** What {@link WalletVerificationSchema} validates: pay API `POST /token/verify`. */
export type WalletVerification = v.InferOutput<typeof WalletVerificationSchema>;

/** Pay API `GET /balance/convert/alpha`. */
export const AlphaConversionSchema = v.looseObject({
  original: optNumber(),
  /** Alpha amount. */
  converted: optNumber(),
  /** USD per alpha. */
  rate: optNumber(),
  netuid: optNumber(),
});
/** What {@link AlphaConversionSchema} validates: pay API `GET /balance/convert/alpha`. */
export type AlphaConversion = v.InferOutput<typeof AlphaConversionSchema>;

/** Pay API `GET /wallet/company/`. */
export const CompanyWalletSchema = v.looseObject({
  wallet_hash: v.string(),
  application_id: optString(),
});
/** What {@link CompanyWalletSchema} validates: pay API `GET /wallet/company/`. */
export type CompanyWallet = v.InferOutput<typeof CompanyWalletSchema>;

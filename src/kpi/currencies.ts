// Active ISO 4217 alphabetic codes. A code outside this list is a typo, not a currency.
const ISO_4217 =
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD ' +
  'CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD ' +
  'GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT ' +
  'LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR ' +
  'NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP ' +
  'STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG ' +
  'XOF XPF YER ZAR ZMW ZWG';

export const CURRENCIES: ReadonlySet<string> = new Set(ISO_4217.split(' '));

export function isCurrency(code: string): boolean {
  return CURRENCIES.has(code);
}

/**
 * Parses SHOPMON_CURRENCY_RATES, e.g. "USD=1380.5,EUR=1500": how many units of the reporting
 * currency one unit of the named currency is worth.
 */
export function parseRates(text: string, reporting: string): Map<string, number> {
  const rates = new Map<string, number>([[reporting, 1]]);
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [code, value] = part.split('=').map((s) => s.trim());
    const rate = Number(value);
    if (!code || !isCurrency(code)) {
      throw new Error(`SHOPMON_CURRENCY_RATES: "${code ?? ''}" is not an ISO 4217 currency code`);
    }
    if (!value || !Number.isFinite(rate) || rate <= 0) {
      throw new Error(`SHOPMON_CURRENCY_RATES: rate for ${code} must be a positive number, got "${value ?? ''}"`);
    }
    rates.set(code, rate);
  }
  return rates;
}

/** How bad a finding is: `error` means the vendor refuses the token; the command then exits 1. */
export type Severity = 'error' | 'warning' | 'info';

/** One thing `inspect` noticed about a token. */
export interface Finding {
  severity: Severity;
  /** Stable, for scripts to switch on (e.g. `expired`); the message may change wording. */
  code: string;
  /** What is wrong with this token, with its values. */
  message: string;
  /** What the vendor answers for it, from the vendor's published references. */
  vendorAnswer: string;
  /** The vendor's own error code, where the vendor publishes one for this mistake. */
  vendorCode?: number | string;
}

/** The vendor half of a finding, built from the tables in `vendor-answers.ts`. */
export type VendorAnswer = Pick<Finding, 'vendorAnswer' | 'vendorCode'>;

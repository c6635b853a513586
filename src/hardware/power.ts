import type { PhCode } from '../errors.js';
/**
 * A host's BMC, whatever speaks to it: `ipmitool` (IPMI v2 / RMCP+ through the `ipmitool`
 * binary, as OpenStack's bare-metal service does) or `redfish` (HTTP). The host steps need
 * exactly this: read the power state, power on or off, and boot the host from the network
 * once (PXE as the next boot device, then a reset, or power on if it was off).
 *
 * Invariants every driver keeps:
 *   - the password never appears on a command line, in a message, an event or an error;
 *   - every call is bounded in time (`timeoutMs`), retried where that is safe;
 *   - calls to one BMC are serialised (BMCs allow few sessions); different BMCs run in parallel;
 *   - failures are PumphouseErrors with the codes below, each saying what to check.
 */

export type PowerState = 'on' | 'off';

export interface PowerDriver {
  /** "ipmitool 10.0.0.5:623" — for messages; never a credential. */
  readonly description: string;
  powerState(): Promise<PowerState>;
  powerOn(): Promise<void>;
  powerOff(): Promise<void>;
  /**
   * PXE as the next boot device (once), then at once (BMCs forget the flag after 60 s) a reset,
   * or power on if the host is off. Resolves when the BMC has accepted both.
   */
  bootFromNetwork(): Promise<void>;
}

/** Hardware error codes (PH18xx). Stable: operators and tests rely on them. */
export const HARDWARE_CODES = {
  /** The BMC refused the credentials. */
  authFailed: 'PH1801',
  /** No answer from the BMC within its timeout (wrong address or port, down, firewalled). */
  unreachable: 'PH1802',
  /** The BMC does not offer the configured cipher suite. */
  cipherUnsupported: 'PH1803',
  /** The BMC answered but refused or failed the command. */
  commandFailed: 'PH1804',
  /** The driver's tool is missing (ipmitool not installed). */
  toolMissing: 'PH1805',
  /** pumphouse.yaml names no BMC for this host. */
  noBmc: 'PH1806',
} as const satisfies Record<string, PhCode>;

/** What a scenario's source can be asked for besides its name. */
export interface ScenarioOptions {
  /** Multiplies the scenario's size where it has one (`large`: projects, so servers and ports). @default 1 */
  scale?: number;
  /** `downtime`: its servers and their disk sizes in GiB (before `scale`), instead of DOWNTIME_DISKS_GIB. */
  disks?: Readonly<Record<string, number>>;
}

/** What a scenario's source can be asked for besides its name. */
export interface ScenarioOptions {
  /** Multiplies the scenario's size where it has one (`large`: projects, so servers and ports). @default 1 */
  scale?: number;
}

/** Where apply keeps its state unless told otherwise (relative to the working directory). */
export const DEFAULT_STATE_PATH = '.pumphouse/state.json';

import type { DesiredState } from '../desired/model.js';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { PumphouseError } from '../errors.js';
import { loadPlanFile, type LoadedPlan } from '../plan-file/index.js';

/** A plan file checked offline (YAML, schema, rules), as `validate` and the plan pipeline both read it. */

/** A plan file checked: every diagnostic (warnings too) and, when it has no error, its desired state. */
export interface CheckedPlanFile {
  file: string;
  valid: boolean;
  diagnostics: Diagnostic[];
  /** The file's text, for showing a diagnostic's line. */
  text?: string;
  desired?: DesiredState;
}

/** A plan file with errors: PH1399, carrying its diagnostics (the API answers 400 with them). */
export class InvalidPlanFile extends PumphouseError {
  constructor(readonly checked: CheckedPlanFile) {
    super('PH1399', `${checked.file} is not a valid plan file (see above)`, { hint: `run \`pumphouse validate ${checked.file}\` while you fix it` });
  }
}

export function checkPlanFile(file: string): CheckedPlanFile {
  const loaded: LoadedPlan = loadPlanFile(file);
  const valid = loaded.desired !== undefined && !hasErrors(loaded.diagnostics);
  return {
    file, valid, diagnostics: loaded.diagnostics,
    ...(loaded.source ? { text: loaded.source.text } : {}),
    ...(valid && loaded.desired ? { desired: loaded.desired } : {}),
  };
}


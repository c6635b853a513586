import type { StepRunner } from '../executor/runner.js';
import type { HostStepAction } from '../graph/steps.js';
import { checkHostRunner } from './check-host.js';
import type { HostStepContext } from './context.js';
import { decommissionRunner } from './decommission.js';
import { evacuateRunner } from './evacuate.js';
import { maintainRunner } from './maintain.js';
import { releaseRunner } from './release.js';
import { upgradeRunner } from './upgrade.js';

/** The runner of every host step action (the apply's registry asks here). */
export function hostRunners(h: HostStepContext): Record<HostStepAction, StepRunner> {
  return {
    'check-host': checkHostRunner(h),
    'maintain-host': maintainRunner(h),
    'evacuate-host': evacuateRunner(h),
    'release-host': releaseRunner(h),
    'upgrade-host': upgradeRunner(h),
    'decommission-host': decommissionRunner(h),
  };
}

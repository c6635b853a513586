#!/usr/bin/env bash
# Prepares a fresh real (testbed) TARGET cloud for the real-cloud apply test, as an operator
# prepares the new cloud before moving workloads: the external network the source's ph-public
# maps to (spec.maps.networks). Idempotent.
#   test/real/seed-target.sh CLOUD        (a clouds.yaml name, e.g. c6000)
set -euo pipefail
CLOUD=${1:?usage: seed-target.sh CLOUD}
os() { openstack --os-cloud "$CLOUD" "$@"; }
if ! os network show ph-target-public >/dev/null 2>&1; then
  os network create --external --provider-network-type flat --provider-physical-network physnet1 ph-target-public >/dev/null
fi
if ! os subnet show ph-target-public-subnet >/dev/null 2>&1; then
  os subnet create --network ph-target-public --subnet-range 203.0.113.0/24 --no-dhcp --gateway 203.0.113.1 ph-target-public-subnet >/dev/null
fi
echo "[seed-target $CLOUD] external network ph-target-public ready"

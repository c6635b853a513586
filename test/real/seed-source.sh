#!/usr/bin/env bash
# Seeds a real (testbed) cloud with a small, varied workload for the real-cloud suite, using the
# `openstack` CLI as an operator would. Idempotent: re-running adds nothing twice.
#   test/real/seed-source.sh CLOUD        (a clouds.yaml name, e.g. c5000)
# Everything it creates is named ph-* so it is easy to tell apart and to remove.
set -euo pipefail
CLOUD=${1:?usage: seed-source.sh CLOUD}
log() { echo "[seed $CLOUD $(date +%T)] $*"; }
T0=$(date +%s)

# Servers, volumes and floating IPs belong to the project whose token creates them, and the CLI
# ignores --os-project-name when a cloud is named, so each workload project gets a clouds.yaml
# entry of its own (a copy of CLOUD's, scoped to that project).
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
python3 - "$CLOUD" "$WORK/clouds.yaml" <<'PY'
import os, sys, yaml
name, out = sys.argv[1], sys.argv[2]
src = os.environ.get('OS_CLIENT_CONFIG_FILE') or next(p for p in ['clouds.yaml', os.path.expanduser('~/.config/openstack/clouds.yaml'), '/etc/openstack/clouds.yaml'] if os.path.exists(p))
clouds = yaml.safe_load(open(src))['clouds']
base = clouds[name]
for project in ('ph-web', 'ph-data'):
    entry = yaml.safe_load(yaml.safe_dump(base))
    entry['auth']['project_name'] = project
    entry['auth'].pop('project_id', None)
    clouds[f'{name}-{project}'] = entry
yaml.safe_dump({'clouds': clouds}, open(out, 'w'))
PY
export OS_CLIENT_CONFIG_FILE=$WORK/clouds.yaml
os() { openstack --os-cloud "$CLOUD" "$@"; }
in_project() { local p=$1; shift; openstack --os-cloud "$CLOUD-$p" "$@"; }
# One listing per kind up front; `has KIND NAME` then greps it (each CLI call costs 1.5–3 s).
declare -A LISTED
list_names() { os "$@" -f value -c Name 2>/dev/null || true; }
refresh() { LISTED[$1]=$(list_names "${@:2}"); }
has() { grep -qx -- "$2" <<<"${LISTED[$1]}"; }
refresh project project list; refresh user user list; refresh flavor flavor list --all
refresh image image list; refresh keypair keypair list; refresh network network list
refresh subnet subnet list; refresh router router list; refresh server server list --all-projects
refresh volume volume list --all-projects; refresh role role list

log "identity"
for p in ph-web ph-data; do has project $p || os project create --domain Default --description "pumphouse test workload" $p >/dev/null; done
has user ph-alice || os user create --domain Default --project ph-web --password alice-pw-not-secret --email alice@example.com ph-alice >/dev/null
has user ph-bob || os user create --domain Default --project ph-data --password bob-pw-not-secret ph-bob >/dev/null
has role member || os role create member >/dev/null
os role add --project ph-web --user ph-alice member
os role add --project ph-data --user ph-bob member
os role add --project ph-data --user ph-alice member
os role add --project ph-web --user admin admin
os role add --project ph-data --user admin admin

log "flavor, image, keypair"
has flavor ph-small || os flavor create --vcpus 1 --ram 256 --disk 1 --property hw:cpu_policy=shared ph-small >/dev/null
if ! has image ph-tiny-image; then
  head -c 1048576 /dev/urandom >"$WORK/image.raw"
  os image create --disk-format raw --container-format bare --public --file "$WORK/image.raw" --property os_distro=test ph-tiny-image >/dev/null
fi
if ! has keypair ph-key; then
  ssh-keygen -q -t ed25519 -N '' -C ph-key -f "$WORK/id"
  os keypair create --public-key "$WORK/id.pub" ph-key >/dev/null
fi

log "networks"
has network ph-public || os network create --external --provider-network-type flat --provider-physical-network physnet1 ph-public >/dev/null
has subnet ph-public-subnet || os subnet create --network ph-public --subnet-range 203.0.113.0/24 --no-dhcp --gateway 203.0.113.1 ph-public-subnet >/dev/null
has network ph-web-net || in_project ph-web network create ph-web-net >/dev/null
has subnet ph-web-subnet || in_project ph-web subnet create --network ph-web-net --subnet-range 10.10.0.0/24 ph-web-subnet >/dev/null
has network ph-data-net || in_project ph-data network create ph-data-net >/dev/null
has subnet ph-data-subnet || in_project ph-data subnet create --network ph-data-net --subnet-range 10.20.0.0/24 ph-data-subnet >/dev/null
if ! has router ph-web-router; then
  in_project ph-web router create ph-web-router >/dev/null
  os router set --external-gateway ph-public ph-web-router
  os router add subnet ph-web-router ph-web-subnet
fi
SG=$(in_project ph-web security group list -f value -c ID -c Name | awk '$2=="ph-web-sg"{print $1}')
if [ -z "$SG" ]; then
  SG=$(in_project ph-web security group create -f value -c id ph-web-sg)
  in_project ph-web security group rule create --protocol tcp --dst-port 80 --remote-ip 0.0.0.0/0 "$SG" >/dev/null
  in_project ph-web security group rule create --protocol tcp --dst-port 22 --remote-group "$SG" "$SG" >/dev/null
fi

log "servers, volumes, floating IP"
if ! has server ph-web-1; then
  in_project ph-web server create --flavor ph-small --image ph-tiny-image --network ph-web-net --security-group "$SG" \
    --key-name ph-key --property role=web --wait ph-web-1 >/dev/null
fi
has volume ph-data-vol || in_project ph-data volume create --size 1 ph-data-vol >/dev/null
if ! has server ph-data-1; then
  in_project ph-data server create --flavor ph-small --image ph-tiny-image --network ph-data-net --wait ph-data-1 >/dev/null
  for _ in $(seq 30); do [ "$(in_project ph-data volume show ph-data-vol -f value -c status)" = available ] && break; sleep 1; done
  in_project ph-data server add volume ph-data-1 ph-data-vol >/dev/null
fi
# A server booted from a volume: its root disk lives in Cinder, so it moves as a volume.
if ! has server ph-data-bfv; then
  has volume ph-data-root || in_project ph-data volume create --size 1 --image ph-tiny-image --bootable ph-data-root >/dev/null
  for _ in $(seq 60); do [ "$(in_project ph-data volume show ph-data-root -f value -c status)" = available ] && break; sleep 1; done
  in_project ph-data server create --flavor ph-small --volume ph-data-root --network ph-data-net --wait ph-data-bfv >/dev/null
fi
FIP=$(in_project ph-web floating ip list -f value -c "Floating IP Address" | head -1)
[ -n "$FIP" ] || FIP=$(in_project ph-web floating ip create -f value -c floating_ip_address ph-public)
in_project ph-web server show ph-web-1 -f value -c addresses | grep -q "$FIP" || in_project ph-web server add floating ip ph-web-1 "$FIP"
# A testbed kept from an earlier run (its database outlives down.sh) can hold servers that the
# real apply test stopped: start them, and wait until every seeded server is ACTIVE.
for server in ph-web/ph-web-1 ph-data/ph-data-1 ph-data/ph-data-bfv; do
  project=${server%%/*} name=${server#*/}
  status=$(in_project "$project" server show "$name" -f value -c status)
  [ "$status" = SHUTOFF ] && in_project "$project" server start "$name"
  for _ in $(seq 60); do
    [ "$status" = ACTIVE ] && break
    sleep 1
    status=$(in_project "$project" server show "$name" -f value -c status)
  done
  [ "$status" = ACTIVE ] || { echo "server $server is $status, not ACTIVE" >&2; exit 1; }
done
log "done in $(( $(date +%s) - T0 )) s"

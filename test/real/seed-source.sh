#!/usr/bin/env bash
# Seeds a real (testbed) cloud with a small, varied workload for the real-cloud suite, using the
# `openstack` CLI as an operator would. Idempotent: re-running adds nothing twice.
#   test/real/seed-source.sh CLOUD        (a clouds.yaml name, e.g. c5000)
# Everything it creates is named ph-* so it is easy to tell apart and to remove: the ph-web and
# ph-data projects, and the kitchen-sink project ph-ks-app (test/real/seed-kitchen-sink.sh, every
# case of the issue "Fidelity" a real Zed accepts).
set -euo pipefail
CLOUD=${1:?usage: seed-source.sh CLOUD}
HERE=$(cd "$(dirname "$0")" && pwd)
log() { echo "[seed $CLOUD $(date +%T)] $*"; }
T0=$(date +%s)
KS_OWNER_PASSWORD=ks-owner-pw-not-secret

# Servers, volumes and floating IPs belong to the project whose token creates them, and the CLI
# ignores --os-project-name when a cloud is named, so each workload project gets a clouds.yaml
# entry of its own (a copy of CLOUD's, scoped to that project). The kitchen-sink workload is
# created by its owner, ph-ks-owner, with her own token: CLOUD-ph-ks-owner.
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
python3 - "$CLOUD" "$WORK/clouds.yaml" "$KS_OWNER_PASSWORD" <<'PY'
import os, sys, yaml
name, out, owner_password = sys.argv[1], sys.argv[2], sys.argv[3]
src = os.environ.get('OS_CLIENT_CONFIG_FILE') or next(p for p in ['clouds.yaml', os.path.expanduser('~/.config/openstack/clouds.yaml'), '/etc/openstack/clouds.yaml'] if os.path.exists(p))
clouds = yaml.safe_load(open(src))['clouds']
base = clouds[name]
def scoped(project, **auth):
    entry = yaml.safe_load(yaml.safe_dump(base))
    entry['auth']['project_name'] = project
    entry['auth'].pop('project_id', None)
    entry['auth'].update(auth)
    return entry
for project in ('ph-web', 'ph-data', 'ph-ks-partner'):
    clouds[f'{name}-{project}'] = scoped(project)
clouds[f'{name}-ph-ks-owner'] = scoped('ph-ks-app', username='ph-ks-owner', password=owner_password,
                                       user_domain_name='Default', project_domain_name='Default')
yaml.safe_dump({'clouds': clouds}, open(out, 'w'))
PY
export OS_CLIENT_CONFIG_FILE=$WORK/clouds.yaml
os() { openstack --os-cloud "$CLOUD" "$@"; }
in_project() { local p=$1; shift; openstack --os-cloud "$CLOUD-$p" "$@"; }

# Every listing up front, in ONE `openstack` process (its interactive mode reads commands from
# stdin): each separate CLI call costs 1.5–3 s (Python start-up, a new token that every service
# then validates), and parallel calls queue on the single-worker services. `has KIND NAME` then
# greps a listing, `id_of KIND NAME` reads an "ID Name" one.
LISTS=$WORK/lists; mkdir -p "$LISTS"
: >"$WORK/batch"
prefetch() { local kind=$1; shift; printf 'shell echo "@@@ %s"\n%s\n' "$kind" "$*" >>"$WORK/batch"; : >"$LISTS/$kind"; }
names() { local kind=$1; shift; prefetch "$kind" "$@" -f value -c Name; }
has() { grep -qx -- "$2" "$LISTS/$1"; }
names project project list; names user user list; names flavor flavor list --all
names image image list; names keypair keypair list; names network network list
names subnet subnet list; names router router list; names server server list --all-projects
names role role list; names domain domain list
names snapshot volume snapshot list --all-projects
names ks-keypair keypair list --user ph-ks-owner
prefetch security-group security group list -f value -c ID -c Name
prefetch port port list -f value -c ID -c Name
prefetch server-group server group list --all-projects -f value -c ID -c Name
prefetch floating-ip floating ip list --long -f json
prefetch grant role assignment list --names -f json
prefetch image-ids image list -f value -c ID -c Name
prefetch project-ids project list -f value -c ID -c Name
prefetch ks-members image member list ph-ks-shared -f json
prefetch volume-json volume list --all-projects -f json
prefetch ks-quota quota show ph-ks-app -f json
# 2.10: keypair list --user (the interactive mode takes global options from the environment only).
# A listing that fails (ph-ks-owner's before she exists) stays empty; the project listing must not.
OS_COMPUTE_API_VERSION=2.10 os <"$WORK/batch" 2>"$WORK/batch.err" | awk -v dir="$LISTS" '/^@@@ /{out=dir "/" $2; next} out {print >out}'
has project admin || { echo "cannot list the projects of $CLOUD: $(tail -3 "$WORK/batch.err")" >&2; exit 1; }
jq -r '.[].Name' "$LISTS/volume-json" >"$LISTS/volume" 2>/dev/null || : >"$LISTS/volume"
# "ROLE USER SCOPE" per grant, e.g. "member ph-alice@Default ph-web@Default".
jq -r '.[] | "\(.Role) \(.User) \(.Project)\(.Domain)"' "$LISTS/grant" >"$LISTS/grants" 2>/dev/null || : >"$LISTS/grants"
grant() { # ROLE USER --project P | --domain D
  local scope=$4
  grep -qxF -e "$1 $2@Default $scope@Default" -e "$1 $2@Default $scope" "$LISTS/grants" || os role add "$3" "$scope" --user "$2" --user-domain Default "$1"
}
id_of() { awk -v n="$2" '$2==n {print $1; exit}' "$LISTS/$1"; }

log "identity"
for p in ph-web ph-data; do has project $p || os project create --domain Default --description "pumphouse test workload" $p >/dev/null; done
has user ph-alice || os user create --domain Default --project ph-web --password alice-pw-not-secret --email alice@example.com ph-alice >/dev/null
has user ph-bob || os user create --domain Default --project ph-data --password bob-pw-not-secret ph-bob >/dev/null
has role member || os role create member >/dev/null
grant member ph-alice --project ph-web
grant member ph-bob --project ph-data
grant member ph-alice --project ph-data
grant admin admin --project ph-web
grant admin admin --project ph-data

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
SG=$(id_of security-group ph-web-sg)
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
# ph-web-1 has a floating IP (on its port in ph-web-subnet, 10.10.0.0/24).
if ! jq -e '.[] | select(.Port != null and ((."Fixed IP Address" // "") | startswith("10.10.0.")))' "$LISTS/floating-ip" >/dev/null 2>&1; then
  FIP=$(in_project ph-web floating ip list -f value -c "Floating IP Address" | head -1)
  [ -n "$FIP" ] || FIP=$(in_project ph-web floating ip create -f value -c floating_ip_address ph-public)
  in_project ph-web server show ph-web-1 -f value -c addresses | grep -q "$FIP" || in_project ph-web server add floating ip ph-web-1 "$FIP"
fi

# shellcheck source=seed-kitchen-sink.sh
. "$HERE/seed-kitchen-sink.sh"

# A testbed kept from an earlier run (its database outlives down.sh) can hold servers that the
# real apply test stopped: start them (ph-ks-stopped stays SHUTOFF: that is its case), and wait
# until every seeded server is in its state, watching one listing.
declare -A WANT=([ph-web-1]=ACTIVE [ph-data-1]=ACTIVE [ph-data-bfv]=ACTIVE [ph-ks-web-1]=ACTIVE [ph-ks-kernel-1]=ACTIVE [ph-ks-stopped]=SHUTOFF)
declare -A ACTED=()
for _ in $(seq 90); do
  pending=0
  while read -r id name status; do
    want=${WANT[$name]:-}; [ -n "$want" ] || continue
    [ "$status" = "$want" ] && continue
    pending=1
    [ "$status" = ERROR ] && { echo "server $name is ERROR" >&2; exit 1; }
    [ -n "${ACTED[$name]:-}" ] && continue
    if [ "$status" = ACTIVE ] && [ "$want" = SHUTOFF ]; then os server stop "$id"; ACTED[$name]=1; fi
    if [ "$status" = SHUTOFF ] && [ "$want" = ACTIVE ]; then os server start "$id"; ACTED[$name]=1; fi
  done < <(os server list --all-projects -f value -c ID -c Name -c Status)
  [ "$pending" = 0 ] && break
  sleep 2
done
[ "$pending" = 0 ] || { echo "seeded servers did not reach their states: $(os server list --all-projects -f value -c Name -c Status | grep '^ph-' | tr '\n' ' ')" >&2; exit 1; }
log "done in $(( $(date +%s) - T0 )) s"

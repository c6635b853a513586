# The kitchen-sink project (issue "Fidelity"; the cases are listed in the project notes'
# kitchen-sink.md), seeded on a real cloud as an operator would: ph-ks-app holds every case a real
# Zed accepts, ph-ks-partner is the project things are shared with, ph-ks-domain the second
# domain. The workload (keypair, server group, images, network, ports, volumes, servers) is
# created by its owner, ph-ks-owner, with her own token. Idempotent.
# Sourced by seed-source.sh, whose helpers and listings it uses (os, in_project, has, id_of, grant, $LISTS).
# What the fake-hypervisor testbed cannot show: a guest OS (servers go ACTIVE and SHUTOFF, but
# user data and keys are never used by anything), and no data is kept in volumes.
owner() { in_project ph-ks-owner "$@"; }
# Nova features by microversion: 2.19 server description, 2.52 tags at boot, 2.55 flavor description.
NOVA_MV=2.55
# Waits until the owner's server NAME is STATUS.
wait_server() {
  local status=""
  for _ in $(seq 60); do
    status=$(owner server list -f value -c Name -c Status | awk -v n="$1" '$1==n {print $2}')
    [ "$status" = "$2" ] && return 0
    [ "$status" = ERROR ] && break
    sleep 2
  done
  echo "server $1 is '$status', not $2" >&2; return 1
}
wait_volume() {
  local status=""
  for _ in $(seq 60); do
    status=$(owner volume show "$1" -f value -c status)
    [ "$status" = "$2" ] && return 0
    [ "$status" = error ] && break
    sleep 1
  done
  echo "volume $1 is '$status', not $2" >&2; return 1
}

log "kitchen-sink: identity"
has domain ph-ks-domain || os domain create --description "kitchen-sink: the second domain" ph-ks-domain >/dev/null
has project ph-ks-app || os project create --domain Default --description "kitchen-sink: every case of the issue Fidelity" \
  --tag kitchen-sink --tag fidelity ph-ks-app >/dev/null
has project ph-ks-partner || os project create --domain Default --description "kitchen-sink: what ph-ks-app shares with" ph-ks-partner >/dev/null
has user ph-ks-owner || os user create --domain Default --project ph-ks-app --password "$KS_OWNER_PASSWORD" \
  --email ks-owner@example.com --description "owns the kitchen-sink workload" ph-ks-owner >/dev/null
grant member ph-ks-owner --project ph-ks-app
grant reader ph-ks-owner --domain ph-ks-domain
grant admin admin --project ph-ks-partner
# Quotas above the defaults (nova 20 cores / 50 GiB RAM / 10 instances, neutron 50 ports, cinder 10 volumes).
[ "$(jq -r '.cores // empty' "$LISTS/ks-quota" 2>/dev/null)" = 40 ] \
  || os quota set --cores 40 --ram 81920 --instances 20 --ports 120 --volumes 25 ph-ks-app

log "kitchen-sink: flavors, keypair, server group"
if ! has flavor ph-ks-private; then
  os flavor create --os-compute-api-version $NOVA_MV --private --project ph-ks-app --vcpus 1 --ram 192 --disk 1 \
    --property hw:cpu_policy=shared --property hw_rng:allowed=True --property ks:tier=gold \
    --description "kitchen-sink: private, two projects" ph-ks-private >/dev/null
  os flavor set --project ph-ks-partner ph-ks-private
fi
has flavor ph-ks-ephemeral || os flavor create --os-compute-api-version $NOVA_MV --public --vcpus 1 --ram 128 --disk 1 \
  --ephemeral 1 --swap 64 --description "kitchen-sink: ephemeral disk and swap" ph-ks-ephemeral >/dev/null
if ! has ks-keypair ph-ks-key; then
  ssh-keygen -q -t ed25519 -N '' -C ph-ks-key -f "$WORK/ks-id"
  owner keypair create --public-key "$WORK/ks-id.pub" ph-ks-key >/dev/null
fi
GROUP=$(id_of server-group ph-ks-group)
[ -n "$GROUP" ] || GROUP=$(owner server group create --policy anti-affinity -f value -c id ph-ks-group)

log "kitchen-sink: images"
image_id() { awk -v n="$1" '$2==n {print $1; exit}' "$LISTS/image-ids"; }
# Used by id from here on: ph-ks-partner cannot find it by name while its membership is pending.
SHARED=$(image_id ph-ks-shared)
if [ -z "$SHARED" ]; then
  head -c 1048576 /dev/urandom >"$WORK/ks-shared.raw"
  SHARED=$(owner image create --disk-format raw --container-format bare --shared --file "$WORK/ks-shared.raw" \
    --tag kitchen-sink --tag web --property os_distro=cirros --property ks_role=web \
    --min-disk 1 --min-ram 128 --unprotected -f value -c id ph-ks-shared)
fi
# Shared with ph-ks-partner, by project id: a member's token cannot look project names up, and the
# CLI then quietly adds the NAME as the member id. ph-ks-partner accepts, with a token scoped to it
# (`image set --accept --project P` as admin would also make P the image's owner).
PARTNER=$(id_of project-ids ph-ks-partner)
[ -n "$PARTNER" ] || PARTNER=$(os project show -f value -c id ph-ks-partner)
MEMBER=$(jq -r --arg p "$PARTNER" '.[] | select(."Member ID" == $p) | .Status' "$LISTS/ks-members" 2>/dev/null || true)
[ -n "$MEMBER" ] || owner image add project "$SHARED" "$PARTNER" >/dev/null
[ "$MEMBER" = accepted ] || in_project ph-ks-partner image set --accept "$SHARED"
KERNEL=$(image_id ph-ks-kernel); RAMDISK=$(image_id ph-ks-ramdisk)
head -c 65536 /dev/urandom >"$WORK/ks-boot.bin"
[ -n "$KERNEL" ] || KERNEL=$(owner image create --disk-format aki --container-format aki --file "$WORK/ks-boot.bin" -f value -c id ph-ks-kernel)
[ -n "$RAMDISK" ] || RAMDISK=$(owner image create --disk-format ari --container-format ari --file "$WORK/ks-boot.bin" -f value -c id ph-ks-ramdisk)
if ! has image ph-ks-ami; then
  head -c 1048576 /dev/urandom >"$WORK/ks-ami.img"
  owner image create --disk-format ami --container-format ami --file "$WORK/ks-ami.img" \
    --property kernel_id="$KERNEL" --property ramdisk_id="$RAMDISK" ph-ks-ami >/dev/null
fi

log "kitchen-sink: network"
has network ph-ks-net || owner network create --mtu 1400 --description "kitchen-sink network" --tag kitchen-sink \
  --enable-port-security ph-ks-net >/dev/null
has subnet ph-ks-subnet || owner subnet create --network ph-ks-net --subnet-range 10.30.0.0/24 --gateway 10.30.0.1 \
  --allocation-pool start=10.30.0.10,end=10.30.0.99 --allocation-pool start=10.30.0.150,end=10.30.0.199 \
  --dns-nameserver 192.0.2.53 --dns-nameserver 192.0.2.54 --host-route destination=192.0.2.0/24,gateway=10.30.0.254 \
  --description "kitchen-sink subnet" --tag kitchen-sink ph-ks-subnet >/dev/null
if ! has router ph-ks-router; then
  owner router create --description "kitchen-sink router" ph-ks-router >/dev/null
  owner router set --external-gateway ph-public ph-ks-router
  owner router add subnet ph-ks-router ph-ks-subnet
  # A static route: its next hop must be on a subnet the router is on.
  owner router set --route destination=198.51.100.0/24,gateway=10.30.0.254 ph-ks-router
fi
WEB_SG=$(id_of security-group ph-ks-web-sg)
if [ -z "$WEB_SG" ]; then
  WEB_SG=$(owner security group create --description "kitchen-sink web tier" -f value -c id ph-ks-web-sg)
  owner security group rule create --protocol tcp --dst-port 443 --remote-ip 0.0.0.0/0 --description "https from anywhere" "$WEB_SG" >/dev/null
  owner security group rule create --protocol icmp --remote-ip 192.0.2.0/24 "$WEB_SG" >/dev/null
fi
DB_SG=$(id_of security-group ph-ks-db-sg)
if [ -z "$DB_SG" ]; then
  DB_SG=$(owner security group create --description "kitchen-sink database tier" -f value -c id ph-ks-db-sg)
  owner security group rule create --protocol tcp --dst-port 5432 --remote-group "$WEB_SG" --description "postgres from the web tier" "$DB_SG" >/dev/null
fi
PORT=$(id_of port ph-ks-web-port)
[ -n "$PORT" ] || PORT=$(owner port create --network ph-ks-net --mac-address fa:16:3e:4b:53:01 \
  --fixed-ip subnet=ph-ks-subnet,ip-address=10.30.0.50 --allowed-address ip-address=10.30.0.200,mac-address=fa:16:3e:4b:53:02 \
  --security-group "$WEB_SG" --security-group "$DB_SG" --description "kitchen-sink port: fixed MAC and IP" -f value -c id ph-ks-web-port)
jq -e '.[] | select(.Description == "ph-ks-web-fip")' "$LISTS/floating-ip" >/dev/null 2>&1 \
  || owner floating ip create --port "$PORT" --description ph-ks-web-fip ph-public >/dev/null

log "kitchen-sink: volumes and servers"
has volume ph-ks-data || owner volume create --size 1 --type fake --property purpose=database --property tier=gold \
  --description "kitchen-sink data volume" ph-ks-data >/dev/null
has volume ph-ks-spare || owner volume create --size 1 --type fake --description "kitchen-sink detached volume" ph-ks-spare >/dev/null
printf '#cloud-config\nhostname: ph-ks-web-1\nwrite_files:\n  - path: /etc/motd\n    content: kitchen sink\n' >"$WORK/ks-user-data"
has server ph-ks-web-1 || owner server create --os-compute-api-version $NOVA_MV --flavor ph-ks-private --image "$SHARED" \
  --port "$PORT" --key-name ph-ks-key --property role=web --property tier=gold --tag kitchen-sink --tag web \
  --description "kitchen-sink web server" --user-data "$WORK/ks-user-data" --hint group="$GROUP" ph-ks-web-1 >/dev/null
has server ph-ks-stopped || owner server create --flavor ph-ks-ephemeral --image "$SHARED" --network ph-ks-net \
  --security-group "$WEB_SG" --key-name ph-ks-key ph-ks-stopped >/dev/null
has server ph-ks-kernel-1 || owner server create --flavor ph-ks-private --image ph-ks-ami --network ph-ks-net ph-ks-kernel-1 >/dev/null
if ! has snapshot ph-ks-spare-snap; then
  wait_volume ph-ks-spare available
  owner volume snapshot create --volume ph-ks-spare --description "kitchen-sink snapshot" --property kind=nightly ph-ks-spare-snap >/dev/null
fi
if [ "$(jq -r '.[] | select(.Name == "ph-ks-data") | .Status' "$LISTS/volume-json" 2>/dev/null)" != in-use ]; then
  wait_volume ph-ks-data available
  wait_server ph-ks-web-1 ACTIVE
  owner server add volume ph-ks-web-1 ph-ks-data >/dev/null
fi

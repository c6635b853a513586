#!/usr/bin/env bash
# Before re-running the real-cloud apply test on a testbed an earlier run used (CI does it too:
# the testbed's databases outlive down.sh):
# removes from the TARGET everything the test's apply created (servers, server groups, volumes
# and their snapshots, images, floating IPs, routers, ports, networks, security groups, keypairs,
# flavors, projects, users and the domain named ph-* or pumphouse-*, the kitchen-sink ones
# included), and starts the SOURCE's ph-* servers again (but ph-ks-stopped, which stays SHUTOFF).
#   test/real/reset-clouds.sh SOURCE TARGET        (e.g. c5000 c6000)
set -uo pipefail
SOURCE=${1:?usage: reset-clouds.sh SOURCE TARGET}
TARGET=${2:?usage: reset-clouds.sh SOURCE TARGET}
t() { openstack --os-cloud "$TARGET" "$@"; }
ids() { t "$@" -f value -c ID -c Name | awk '$2 ~ /^(ph-|pumphouse-)/ {print $1}'; }
for s in $(ids server list --all-projects); do t server delete --wait "$s"; done
for g in $(ids server group list --all-projects); do t server group delete "$g"; done
for v in $(ids volume snapshot list --all-projects); do t volume snapshot delete "$v"; done
for v in $(ids volume list --all-projects); do t volume delete "$v"; done
for i in $(ids image list); do t image delete "$i"; done
for f in $(t floating ip list -f value -c ID); do t floating ip delete "$f"; done
for r in $(ids router list); do
  t router set --no-route "$r"   # a static route holds the interface its next hop is on
  for s in $(t router show "$r" -f json -c interfaces_info | python3 -c 'import json,sys; print(" ".join(i["subnet_id"] for i in json.load(sys.stdin)["interfaces_info"]))'); do t router remove subnet "$r" "$s"; done
  t router unset --external-gateway "$r"; t router delete "$r"
done
for p in $(t port list -f value -c ID -c device_owner | awk '$2=="" || $2=="None" {print $1}'); do t port delete "$p"; done
for n in $(ids network list); do [ "$(t network show "$n" -f value -c name)" = ph-target-public ] || t network delete "$n"; done
for g in $(ids security group list); do t security group delete "$g"; done
# Keystone leaves a deleted project's Neutron objects behind: remove its security groups first.
for p in ph-web ph-data ph-ks-app ph-ks-partner; do
  id=$(t project show "$p" -f value -c id 2>/dev/null) || continue
  for g in $(t security group list --project "$id" -f value -c ID); do t security group delete "$g"; done
  t project delete "$p"
done
# Orphans of projects deleted by earlier resets (their project no longer exists).
projects=$(t project list -f value -c ID)
t security group list -f value -c ID -c Project | while read -r g proj; do grep -qx "$proj" <<<"$projects" || t security group delete "$g"; done
t --os-compute-api-version 2.10 keypair delete --user ph-ks-owner ph-ks-key 2>/dev/null
# The admin's own ph-* keypairs (the seed's ph-key is the admin's; an older apply also copied users' keys there).
for k in $(t keypair list -f value -c Name | grep '^ph-'); do t keypair delete "$k"; done
for u in ph-alice ph-bob ph-ks-owner; do t user delete "$u" 2>/dev/null; done
for f in ph-small ph-ks-private ph-ks-ephemeral; do t flavor delete "$f" 2>/dev/null; done
t domain set --disable ph-ks-domain 2>/dev/null && t domain delete ph-ks-domain
for s in $(openstack --os-cloud "$SOURCE" server list --all-projects -f value -c ID -c Name -c Status | awk '$2 ~ /^ph-/ && $2 != "ph-ks-stopped" && $3=="SHUTOFF" {print $1}'); do openstack --os-cloud "$SOURCE" server start "$s"; done
echo "[reset] $TARGET cleared of ph-*/pumphouse-* objects; $SOURCE servers started"

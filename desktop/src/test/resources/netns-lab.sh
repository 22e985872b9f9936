#!/usr/bin/env bash
# A NAT lab in network namespaces for NatMatrixIT (issue 5), usable by hand too (as root):
#
#   netns-lab.sh up PREFIX HOST_NAT VIEWER_NAT   NAT: cone (MASQUERADE) or symmetric (MASQUERADE --random-fully)
#   netns-lab.sh nat PREFIX SIDE NAT             SIDE: h or v; replaces that router's NAT rule
#   netns-lab.sh block-udp PREFIX on|off         both routers drop every UDP datagram from their LAN
#   netns-lab.sh counters PREFIX                 "direct=BYTES turn-udp=BYTES turn-tcp=BYTES" since the last reset (then resets)
#   netns-lab.sh down PREFIX                     removes every namespace of PREFIX (idempotent)
#
# Topology (no link to the root namespace, so nothing can leave this machine; all addresses private):
#
#   PREFIX-lh 192.168.10.2 ── 192.168.10.1 PREFIX-rh 10.77.1.2 ── 10.77.1.1 ┐
#                                                                          PREFIX-wan (server, coturn on 10.77.1.1;
#   PREFIX-lv 192.168.20.2 ── 192.168.20.1 PREFIX-rv 10.77.2.2 ── 10.77.2.1 ┘ routes between the two routers)
#
# The routers drop unsolicited packets to themselves from the WAN before conntrack confirms them (as home
# routers do), so a peer's early check cannot occupy the mapping a hole punch needs. The "WAN" counts UDP it
# forwards between the two routers (direct path) and what reaches coturn's listening port 3478 (TURN).
set -euo pipefail

cmd="${1:?command}"
p="${2:?prefix}"
wan="$p-wan"

nsx() { local ns="$1"; shift; ip netns exec "$ns" "$@"; }

nat_rule() { # router side nat
  local r="$p-r$1" flag=""
  [ "$2" = symmetric ] && flag="--random-fully"
  [ "$2" = cone ] || [ "$2" = symmetric ] || { echo "netns-lab: NAT must be cone or symmetric" >&2; exit 2; }
  nsx "$r" iptables -t nat -F POSTROUTING
  # shellcheck disable=SC2086
  nsx "$r" iptables -t nat -A POSTROUTING -o wan0 -j MASQUERADE $flag
}

side() { # side lan-octet wan-octet
  local r="$p-r$1" l="$p-l$1"
  ip netns add "$r"
  ip netns add "$l"
  nsx "$r" ip link set lo up
  nsx "$l" ip link set lo up
  ip -n "$wan" link add "w$1" type veth peer name wan0 netns "$r"
  ip -n "$r" link add lan0 type veth peer name eth0 netns "$l"
  ip -n "$wan" addr add "10.77.$3.1/24" dev "w$1"
  ip -n "$wan" link set "w$1" up
  ip -n "$r" addr add "10.77.$3.2/24" dev wan0
  ip -n "$r" addr add "192.168.$2.1/24" dev lan0
  ip -n "$r" link set wan0 up
  ip -n "$r" link set lan0 up
  ip -n "$r" route add default via "10.77.$3.1"
  ip -n "$l" addr add "192.168.$2.2/24" dev eth0
  ip -n "$l" link set eth0 up
  ip -n "$l" route add default via "192.168.$2.1"
  nsx "$r" sysctl -qw net.ipv4.ip_forward=1
  nsx "$r" iptables -A INPUT -i wan0 -m conntrack --ctstate NEW -j DROP
  nsx "$r" iptables -N LABUDP
  nsx "$r" iptables -A FORWARD -i lan0 -j LABUDP
}

case "$cmd" in
  up)
    trap '"$0" down "$p" >/dev/null 2>&1' ERR
    ip netns add "$wan"
    nsx "$wan" ip link set lo up
    nsx "$wan" sysctl -qw net.ipv4.ip_forward=1
    side h 10 1
    side v 20 2
    nat_rule h "${3:?host NAT}"
    nat_rule v "${4:?viewer NAT}"
    nsx "$wan" iptables -A FORWARD -p udp -s 10.77.1.2 -d 10.77.2.2 -m comment --comment direct
    nsx "$wan" iptables -A FORWARD -p udp -s 10.77.2.2 -d 10.77.1.2 -m comment --comment direct
    nsx "$wan" iptables -A INPUT -p udp --dport 3478 -m comment --comment turn-udp
    nsx "$wan" iptables -A INPUT -p tcp --dport 3478 -m comment --comment turn-tcp
    nsx "$wan" iptables -A INPUT -p tcp --dport 443 -m comment --comment turn-tcp
    ;;
  nat)
    nat_rule "${3:?side}" "${4:?nat}"
    ;;
  block-udp)
    for s in h v; do
      nsx "$p-r$s" iptables -F LABUDP
      [ "${3:?on|off}" = on ] && nsx "$p-r$s" iptables -A LABUDP -p udp -j DROP
    done
    true
    ;;
  counters)
    nsx "$wan" iptables -L -n -v -x -Z | awk '
      /\/\* direct \*\// { direct += $2 }
      /\/\* turn-udp \*\// { udp += $2 }
      /\/\* turn-tcp \*\// { tcp += $2 }
      END { printf "direct=%d turn-udp=%d turn-tcp=%d\n", direct, udp, tcp }'
    ;;
  down)
    for ns in "$p-lh" "$p-lv" "$p-rh" "$p-rv" "$wan"; do
      if ip netns list | grep -qw "^$ns"; then
        # Anything still running inside (a crashed test's processes) goes with its namespace.
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
      fi
    done
    ;;
  *)
    echo "netns-lab: unknown command $cmd" >&2
    exit 2
    ;;
esac

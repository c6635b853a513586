/** Admin-network addresses the simulated DHCP gives bootstrapped machines (10.20.0.131 upwards). */
export interface AgentIps {
  next: number;
}

export function leaseAdminIp(ips: AgentIps): string {
  const host = ips.next;
  ips.next = host >= 254 ? 131 : host + 1;
  return `10.20.0.${host}`;
}

/**
 * Settings of the emulated service. Quotas default to AWS's published Traffic Mirroring quotas
 * (none adjustable in AWS) and VPC quotas' defaults; tests and benchmarks may change them.
 */
export interface Quotas {
  /** Sessions per source network interface. */
  sessionsPerInterface: number;
  /** Rules per filter, both directions together. */
  rulesPerFilter: number;
  /** Distinct source network interfaces per network-interface target. */
  sourcesPerInterfaceTarget: number;
  sessionsPerAccount: number;
  targetsPerAccount: number;
  filtersPerAccount: number;
  /** Tags per resource (EC2's general limit). */
  tagsPerResource: number;
  /** "VPC security groups per Region", not counting each VPC's default group. */
  securityGroupsPerRegion: number;
  /** "Inbound or outbound rules per security group", each direction and address family on its own. */
  rulesPerSecurityGroup: number;
  /** "IPv4 CIDR blocks per VPC", the primary one included (AssociateVpcCidrBlock's CidrLimitExceeded). */
  ipv4CidrBlocksPerVpc: number;
}

export const DEFAULT_QUOTAS: Quotas = {
  sessionsPerInterface: 3,
  rulesPerFilter: 10,
  sourcesPerInterfaceTarget: 10,
  sessionsPerAccount: 10_000,
  targetsPerAccount: 10_000,
  filtersPerAccount: 10_000,
  tagsPerResource: 50,
  securityGroupsPerRegion: 2500,
  rulesPerSecurityGroup: 60,
  ipv4CidrBlocksPerVpc: 5,
};

/** A quota's name as the command line spells it: sessionsPerInterface → `sessions-per-interface`. */
function flagOf(key: keyof Quotas): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** `--quota` names → quota, derived from DEFAULT_QUOTAS so that a new quota is settable and listed at once. */
export const QUOTA_FLAGS: ReadonlyMap<string, keyof Quotas> = new Map((Object.keys(DEFAULT_QUOTAS) as (keyof Quotas)[]).map((key) => [flagOf(key), key]));

export interface ServiceConfig {
  /** The account of a caller whose access key is not a 12-digit account ID. */
  defaultAccount: string;
  /** The region of a caller whose request carries no SigV4 credential scope. */
  defaultRegion: string;
  quotas: Quotas;
}

export const DEFAULT_ACCOUNT = '000000000000';
export const DEFAULT_REGION = 'us-east-1';

export function serviceConfig(overrides: Partial<Omit<ServiceConfig, 'quotas'>> & { quotas?: Partial<Quotas> } = {}): ServiceConfig {
  return {
    defaultAccount: overrides.defaultAccount ?? DEFAULT_ACCOUNT,
    defaultRegion: overrides.defaultRegion ?? DEFAULT_REGION,
    quotas: { ...DEFAULT_QUOTAS, ...overrides.quotas },
  };
}

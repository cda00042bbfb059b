/** The smallest IPv4 MTU (RFC 791); a target MTU below it is a configuration error. */
export const MIN_IPV4_MTU = 68;
/** EC2's jumbo-frame MTU: a network interface's, and so the most a mirror target takes. */
export const EC2_JUMBO_MTU = 9001;

// Package intel answers the questions of investigation steps 1 and 2 about
// the two hosts of an alert, from facts that need no network access:
//
//   - Classify: what kind of address is it (RFC 1918, RFC 6598, ULA,
//     link-local, loopback, documentation, multicast, public …), and is it
//     inside the network?
//   - PortRole and ClientSide: what does a port usually carry (a service, a
//     mining pool, an ephemeral client port), and which side opened the
//     connection?
//   - DefaultPools / LoadPools: is a host name or address a known mining
//     pool? The default list is Maltrail's crypto_mining trail (MIT,
//     embedded, see data/NOTICE.md) plus a few well-known pools.
//   - LoadOwners: who owns an address (an optional iptoasn.com TSV table the
//     analyst supplies), and is that owner a hosting provider?
package intel

import (
	"net/netip"
)

// Class is the kind of an IP address, as far as triage cares.
type Class int

// The address classes. Their order is not significant.
const (
	ClassInvalid       Class = iota // the zero netip.Addr
	ClassUnspecified                // 0.0.0.0, ::
	ClassLoopback                   // 127.0.0.0/8, ::1
	ClassLinkLocal                  // 169.254.0.0/16 (RFC 3927), fe80::/10
	ClassPrivate                    // RFC 1918: 10/8, 172.16/12, 192.168/16
	ClassShared                     // RFC 6598: 100.64.0.0/10 (carrier-grade NAT)
	ClassULA                        // RFC 4193: fc00::/7
	ClassDocumentation              // RFC 5737, RFC 3849, RFC 9637
	ClassMulticast                  // 224.0.0.0/4, ff00::/8
	ClassReserved                   // 0/8, 198.18/15 benchmarking, 240/4, broadcast
	ClassPublic                     // everything else: routable on the Internet
)

var classNames = map[Class]string{
	ClassInvalid:       "invalid address",
	ClassUnspecified:   "unspecified",
	ClassLoopback:      "internal (loopback)",
	ClassLinkLocal:     "internal (link-local)",
	ClassPrivate:       "internal (RFC 1918)",
	ClassShared:        "internal (RFC 6598 shared address space)",
	ClassULA:           "internal (ULA fc00::/7)",
	ClassDocumentation: "documentation range",
	ClassMulticast:     "multicast",
	ClassReserved:      "reserved",
	ClassPublic:        "public",
}

// String is the human name, e.g. "internal (RFC 1918)".
func (c Class) String() string {
	if n, ok := classNames[c]; ok {
		return n
	}
	return "unknown"
}

// Internal reports whether an address of this class belongs to the
// analyst's own network: a miner alert is about an internal source talking
// to a public destination. Loopback and link-local count as internal because
// they never leave the host or the segment.
func (c Class) Internal() bool {
	switch c {
	case ClassPrivate, ClassShared, ClassULA, ClassLinkLocal, ClassLoopback:
		return true
	}
	return false
}

// Public reports whether the address is routable on the Internet.
func (c Class) Public() bool { return c == ClassPublic }

type prefixClass struct {
	p netip.Prefix
	c Class
}

// prefixes is checked in order; the first match wins. More specific ranges
// come before the ranges that contain them.
var prefixes = []prefixClass{
	{netip.MustParsePrefix("255.255.255.255/32"), ClassReserved},
	{netip.MustParsePrefix("0.0.0.0/8"), ClassReserved},
	{netip.MustParsePrefix("127.0.0.0/8"), ClassLoopback},
	{netip.MustParsePrefix("169.254.0.0/16"), ClassLinkLocal},
	{netip.MustParsePrefix("10.0.0.0/8"), ClassPrivate},
	{netip.MustParsePrefix("172.16.0.0/12"), ClassPrivate},
	{netip.MustParsePrefix("192.168.0.0/16"), ClassPrivate},
	{netip.MustParsePrefix("100.64.0.0/10"), ClassShared},
	{netip.MustParsePrefix("192.0.2.0/24"), ClassDocumentation},
	{netip.MustParsePrefix("198.51.100.0/24"), ClassDocumentation},
	{netip.MustParsePrefix("203.0.113.0/24"), ClassDocumentation},
	{netip.MustParsePrefix("192.0.0.0/24"), ClassReserved}, // IETF protocol assignments
	{netip.MustParsePrefix("198.18.0.0/15"), ClassReserved},
	{netip.MustParsePrefix("224.0.0.0/4"), ClassMulticast},
	{netip.MustParsePrefix("240.0.0.0/4"), ClassReserved},
	{netip.MustParsePrefix("::1/128"), ClassLoopback},
	{netip.MustParsePrefix("fe80::/10"), ClassLinkLocal},
	{netip.MustParsePrefix("fc00::/7"), ClassULA},
	{netip.MustParsePrefix("2001:db8::/32"), ClassDocumentation},
	{netip.MustParsePrefix("3fff::/20"), ClassDocumentation},
	{netip.MustParsePrefix("ff00::/8"), ClassMulticast},
}

// Classify returns the class of addr. IPv4-mapped IPv6 addresses
// (::ffff:10.1.2.3) are classified as the IPv4 address they carry, because
// dual-stack logs write them that way.
func Classify(addr netip.Addr) Class {
	if !addr.IsValid() {
		return ClassInvalid
	}
	addr = addr.Unmap().WithZone("")
	if addr.IsUnspecified() {
		return ClassUnspecified
	}
	for _, pc := range prefixes {
		if pc.p.Contains(addr) {
			return pc.c
		}
	}
	return ClassPublic
}

// IsInternal is Classify(addr).Internal(), in the shape flow.BlastRadius
// takes.
func IsInternal(addr netip.Addr) bool { return Classify(addr).Internal() }

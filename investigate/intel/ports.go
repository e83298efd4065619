package intel

import (
	"fmt"
	"strings"
	"sync"
)

// Ephemeral port ranges: the ports an operating system picks for the client
// side of an outgoing connection.
const (
	IANAEphemeralLow     = 49152 // RFC 6335 dynamic/private ports …
	IANAEphemeralHigh    = 65535
	LinuxEphemeralLow    = 32768 // net.ipv4.ip_local_port_range default
	LinuxEphemeralHigh   = 60999
	WindowsEphemeralLow  = 49152 // Windows Vista and later follow IANA
	WindowsEphemeralHigh = 65535
)

// Ephemeral names the operating-system ranges port falls in ("IANA",
// "Linux", "Windows"); nil when it is in none.
func Ephemeral(port uint16) []string {
	var in []string
	if port >= IANAEphemeralLow {
		in = append(in, "IANA", "Windows")
	}
	if port >= LinuxEphemeralLow && port <= LinuxEphemeralHigh {
		in = append(in, "Linux")
	}
	return in
}

// services are well-known server ports an analyst meets next to miner
// traffic. Not exhaustive: enough to tell a server port from a client port.
var services = map[uint16]string{
	20: "ftp-data", 21: "ftp", 22: "ssh", 23: "telnet", 25: "smtp", 53: "dns",
	67: "dhcp", 68: "dhcp", 80: "http", 88: "kerberos", 110: "pop3", 123: "ntp",
	135: "msrpc", 137: "netbios-ns", 138: "netbios-dgm", 139: "netbios-ssn",
	143: "imap", 161: "snmp", 389: "ldap", 443: "https", 445: "smb",
	465: "smtps", 514: "syslog", 587: "smtp-submission", 636: "ldaps",
	853: "dns-over-tls", 993: "imaps", 995: "pop3s", 1080: "socks",
	1433: "mssql", 1521: "oracle", 3128: "http-proxy", 3306: "mysql",
	3389: "rdp", 5060: "sip", 5432: "postgresql", 5900: "vnc", 6379: "redis",
	8080: "http-alt", 8333: "bitcoin-p2p", 8443: "https-alt", 9050: "tor-socks",
	18080: "monero-p2p", 18081: "monero-rpc", 27017: "mongodb",
}

// miningPorts are the ports mining pools listen on, from the research
// notes (formats.md §4): the ports most frequent in Maltrail's IP:port
// entries and the ports seen in real alerts and captures. 443 and 8080 are
// left out on purpose: pools use them too, but so does everything else.
var miningPorts = map[uint16]string{
	3333:  "the classic Stratum port (ISC diary 23215; XMRig donate, plain)",
	3334:  "Stratum, next to 3333",
	3344:  "Miningcore Stratum",
	3345:  "Miningcore Stratum over TLS",
	3353:  "pool Stratum",
	4444:  "pool Stratum (also Metasploit's default listener)",
	5555:  "pool Stratum (pool.minexmr.com)",
	6060:  "pool Stratum",
	6233:  "pool Stratum",
	6234:  "pool Stratum",
	7777:  "pool Stratum",
	8888:  "pool Stratum",
	9999:  "pool Stratum (Ethereum pools)",
	10128: "pool Stratum (Monero, TLS on some pools)",
	10300: "pool Stratum",
	10343: "pool Stratum (MoneroOcean-style high-difficulty port)",
	14000: "pool Stratum",
	14433: "pool Stratum over TLS (nanopool)",
	14444: "pool Stratum (nanopool; PAN-OS XMRig C2 alerts)",
	15555: "pool Stratum",
	19335: "pool Stratum",
	33333: "pool Stratum",
	45700: "pool Stratum (MoneroOcean-style)",
	58080: "pool Stratum",
}

// Role says what a port usually carries. Several things can be true at once:
// 58080 is both a pool port and inside Linux's ephemeral range.
type Role struct {
	Port      uint16
	Service   string   // well-known service name, "" if none
	Mining    bool     // a port mining pools are known to use
	Note      string   // why it counts as a mining port
	PoolCount int      // how many IP:port entries of the default pool list use it (evidence)
	Ephemeral []string // OS ephemeral ranges it falls in
}

// Server reports whether the port looks like a server's: a known service
// or a mining port.
func (r Role) Server() bool { return r.Service != "" || r.Mining || (r.Port > 0 && r.Port < 1024) }

// String describes the role in one phrase, e.g.
// "14444: mining pool port (nanopool; …; 19 entries in the pool list)".
func (r Role) String() string {
	if r.Port == 0 {
		return "0: no port (ICMP, or not recorded)"
	}
	var parts []string
	if r.Service != "" {
		parts = append(parts, r.Service)
	} else if r.Port > 0 && r.Port < 1024 {
		parts = append(parts, "well-known range")
	}
	if r.Mining {
		parts = append(parts, "mining pool port: "+r.Note)
	}
	if r.PoolCount > 0 {
		parts = append(parts, fmt.Sprintf("%d IP:port entries in the pool list", r.PoolCount))
	}
	if len(r.Ephemeral) > 0 {
		parts = append(parts, "ephemeral ("+strings.Join(r.Ephemeral, ", ")+")")
	}
	if len(parts) == 0 {
		parts = append(parts, "registered port, no known role")
	}
	return fmt.Sprintf("%d: %s", r.Port, strings.Join(parts, "; "))
}

var poolPortCounts = sync.OnceValue(func() map[uint16]int {
	return defaultPools().PortCounts()
})

// PortRole describes port.
func PortRole(port uint16) Role {
	r := Role{Port: port, Service: services[port], Ephemeral: Ephemeral(port)}
	if note, ok := miningPorts[port]; ok {
		r.Mining, r.Note = true, note
	}
	r.PoolCount = poolPortCounts()[port]
	return r
}

// Side names which end of a flow opened the connection.
type Side int

// The sides ClientSide can decide.
const (
	SideUnknown Side = iota
	SideSrc          // the flow's source opened it (the usual case)
	SideDst          // the flow's destination opened it: the record is reversed
)

// String is "source", "destination" or "unknown".
func (s Side) String() string {
	switch s {
	case SideSrc:
		return "source"
	case SideDst:
		return "destination"
	}
	return "unknown"
}

// ClientSide decides, from the ports alone, which side opened the
// connection, and says why. A server-like port (well-known service, below
// 1024, or a mining port) facing an ephemeral or unremarkable high port
// marks the other side as the client.
func ClientSide(srcPort, dstPort uint16) (Side, string) {
	s, d := PortRole(srcPort), PortRole(dstPort)
	sServer, dServer := s.Server(), d.Server()
	sEph, dEph := len(s.Ephemeral) > 0, len(d.Ephemeral) > 0
	switch {
	case dServer && !sServer:
		why := "unremarkable high port"
		if sEph {
			why = "ephemeral (" + strings.Join(s.Ephemeral, ", ") + ")"
		}
		return SideSrc, fmt.Sprintf("source port %d is %s and destination port %s", srcPort, why, describeServer(d))
	case sServer && !dServer:
		why := "unremarkable high port"
		if dEph {
			why = "ephemeral (" + strings.Join(d.Ephemeral, ", ") + ")"
		}
		return SideDst, fmt.Sprintf("destination port %d is %s and source port %s: the record looks reversed", dstPort, why, describeServer(s))
	case sServer && dServer:
		// Both look like servers (e.g. 443 → 3333): the lower port is
		// rarely picked by an OS, so the side with it is the server.
		if srcPort > dstPort {
			return SideSrc, fmt.Sprintf("both ports are server-like (%d, %d); the lower, %d, is taken as the server", srcPort, dstPort, dstPort)
		}
		if dstPort > srcPort {
			return SideDst, fmt.Sprintf("both ports are server-like (%d, %d); the lower, %d, is taken as the server", srcPort, dstPort, srcPort)
		}
	case sEph && !dEph:
		return SideSrc, fmt.Sprintf("source port %d is ephemeral (%s), destination port %d is not", srcPort, strings.Join(s.Ephemeral, ", "), dstPort)
	case dEph && !sEph:
		return SideDst, fmt.Sprintf("destination port %d is ephemeral (%s), source port %d is not: the record looks reversed", dstPort, strings.Join(d.Ephemeral, ", "), srcPort)
	}
	return SideUnknown, fmt.Sprintf("ports %d and %d do not tell which side opened the connection", srcPort, dstPort)
}

func describeServer(r Role) string {
	switch {
	case r.Mining:
		return fmt.Sprintf("%d is a mining pool port", r.Port)
	case r.Service != "":
		return fmt.Sprintf("%d is %s", r.Port, r.Service)
	}
	return fmt.Sprintf("%d is in the well-known range", r.Port)
}

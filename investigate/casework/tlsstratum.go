package casework

import (
	"strings"

	"github.com/minertriage/minertriage/investigate/stratum"
)

// anyStratum reports whether the pair carries Stratum at all: a plaintext
// session or one over TLS. The "payload without Stratum" evidence against
// mining must not fire when the pool was reached over TLS.
func (a *Analysis) anyStratum() bool {
	return len(a.Sessions) > 0 || len(a.TLSSessions) > 0
}

// tlsLine is the one line for the pair's Stratum over TLS (issue #3): the
// pool by SNI, the steps not observable, netflow the only evidence.
func (a *Analysis) tlsLine() *line {
	s := a.TLSSessions[0]
	for _, t := range a.TLSSessions {
		if t.PoolHost != "" {
			s = t
			break
		}
	}
	l := newLine("Stratum over TLS to ")
	if s.PoolHost != "" {
		l.h(s.PoolHost).t(" (%s)", a.poolNameSource(s))
	} else {
		l.h(s.Server).t(" (mining-pool port or address)")
	}
	if n := len(a.TLSSessions); n > 1 {
		l.t(", %d sessions", n)
	}
	return l.t(": steps not observable; netflow is the evidence")
}

// poolNameSource says where a TLS session's pool name came from, in the
// order capture.Analyze picks it: the conversation's own ClientHello (SNI),
// else a DNS answer, else a ClientHello to the same server (SNI).
func (a *Analysis) poolNameSource(s stratum.Session) string {
	dns := false
	for _, c := range a.Captures {
		if c.Result == nil {
			continue
		}
		for _, conv := range c.Result.Conversations {
			if conv.Client == s.Client && conv.Server == s.Server && strings.EqualFold(conv.SNI, s.PoolHost) {
				return "SNI"
			}
		}
		for _, d := range c.Result.DNS {
			dns = dns || strings.EqualFold(strings.TrimSuffix(d.Name, "."), s.PoolHost)
		}
	}
	if dns {
		return seenDNS
	}
	return "SNI"
}

// tlsSessionDetails adds one Stratum-over-TLS session's facts: the
// endpoints, the pool and why each step could not be observed.
func tlsSessionDetails(b *finding, s stratum.Session) {
	b.detail(newLine("session ").h(s.Client).t(" → ").h(s.Server).t(" over TLS: dialect and steps not observable"))
	if s.PoolHost != "" {
		b.detail(newLine("  pool host: ").h(s.PoolHost))
	}
	if len(s.Steps) > 0 && s.Steps[0].Reason != "" {
		b.detail(newLine("  ").u(s.Steps[0].Reason))
	}
}

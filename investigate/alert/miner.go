package alert

import (
	"regexp"
	"strings"
)

// minerCategories are threat categories that mean "coin miner" on their
// own, compared after lower-casing and dropping spaces, '-' and '_':
// PAN-OS thr_category "cryptominer", the "coinminer" spelling some feeds
// use, and Suricata's coin-mining classtype (ET Open classification.config
// "coin-mining,Crypto Currency Mining Activity Detected").
var minerCategories = map[string]bool{
	"cryptominer":                          true,
	"cryptominers":                         true,
	"coinminer":                            true,
	"coinminers":                           true,
	"coinmining":                           true,
	"cryptomining":                         true,
	"cryptocurrencymining":                 true,
	"cryptocurrencyminingactivitydetected": true,
}

// minerName matches threat names and IDS signatures that name a miner.
// The vendor names vary ("XMRig Miner Command and Control Traffic
// Detection", "ET POLICY Cryptocurrency Miner Checkin", "ET COINMINER
// Crypto Coin Miner Login", "ET POLICY Monero Mining Pool DNS Lookup",
// "... Stratum Protocol ..."), so the pattern keys on the words they share
// rather than on a list of signature ids that would go stale.
var minerName = regexp.MustCompile(`(?i)xmrig|xmr-stak|coinhive|cryptonight|monero|` +
	`coin[\s_-]?min(er|ing)|crypto[\s_-]?(currency[\s_-]?)?(coin[\s_-]?)?min(er|ing)|` +
	`bitcoin[\s_-]?min(er|ing)|mining[\s_-]?pool|\bstratum\b|\bminers?\b`)

// IsCoinMiner reports whether a is a coin-miner alert: its threat category
// says so, or its threat name or signature names a miner. Other alerts are
// counted and skipped at import unless the analyst asks for all of them.
func IsCoinMiner(a *Alert) bool {
	if a == nil {
		return false
	}
	if IsMinerCategory(a.Category) {
		return true
	}
	return minerName.MatchString(a.Threat) || minerName.MatchString(a.Category)
}

// IsMinerCategory reports whether a threat category (PAN-OS thr_category,
// Suricata alert category) on its own marks a coin miner.
func IsMinerCategory(category string) bool {
	if category == "" {
		return false
	}
	var b strings.Builder
	for _, r := range strings.ToLower(category) {
		if r == ' ' || r == '-' || r == '_' {
			continue
		}
		b.WriteRune(r)
	}
	return minerCategories[b.String()]
}

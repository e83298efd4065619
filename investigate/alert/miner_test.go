package alert

import "testing"

func TestIsCoinMiner(t *testing.T) {
	cases := []struct {
		threat, category string
		want             bool
	}{
		// Real PAN-OS and ET Open names (formats.md §1.5, §1.6, §2.3).
		{"XMRig Miner Command and Control Traffic Detection", "cryptominer", true},
		{"XMRig Miner Command and Control Traffic Detection", "", true},
		{"Some Generic C2", "cryptominer", true},
		{"Some Generic C2", "CoinMiner", true},
		{"Some Generic C2", "coin-mining", true},
		{"ET POLICY Cryptocurrency Miner Checkin", "Potential Corporate Privacy Violation", true},
		{"ET COINMINER Crypto Coin Miner Login", "", true},
		{"ET COINMINER W32/BitCoinMiner.MultiThreat Subscribe/Authorize Stratum Protocol Message", "", true},
		{"ET POLICY Monero Mining Pool DNS Lookup (xmr .pool .mingergate .com)", "", true},
		{"ET POLICY Bitcoin Mining Server Stratum Protocol HTTP Header", "", true},
		{"ET COINMINER CoinHive In-Browser Miner Detected", "", true},
		{"ET HUNTING GENERIC SUSPICIOUS POST", "Crypto Currency Mining Activity Detected", true},
		{"Win32/Duino-Coin Miner CnC Checkin", "", true},
		// Not miners.
		{"ZeroAccess.Gen Command and Control Traffic", "botnet", false},
		{"PoisonIvy.RAT Command and Control Traffic", "any", false},
		{"Suspicious DNS Query (generic:comparetvs.net)", "dns", false},
		{"Suspicious TLS Evasion Found", "spyware", false},
		{"ET HUNTING GENERIC SUSPICIOUS POST to Dotted Quad with Fake Browser 1", "Potentially Bad Traffic", false},
		{"Determiner of strata", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		a := &Alert{Threat: c.threat, Category: c.category}
		if got := IsCoinMiner(a); got != c.want {
			t.Errorf("IsCoinMiner(%q, %q) = %v, want %v", c.threat, c.category, got, c.want)
		}
	}
	if IsCoinMiner(nil) {
		t.Error("IsCoinMiner(nil) = true")
	}
}

package casework

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
)

// AllowList is the list of authorised miners: hosts, networks and wallets
// that are allowed to mine (a research rig, a sanctioned test). An alert
// from one of them is a benign true positive, and the suggestion says so;
// the analyst still decides. Lists from several files can be merged; every
// entry keeps the file and line it came from, so a match cites where the
// entry really is.
type AllowList struct {
	// Source names the list as loaded (the first list, after a Merge);
	// matches cite each entry's own source, not this.
	Source  string
	entries []allowEntry
}

type allowEntry struct {
	prefix  netip.Prefix // host (/32, /128) or network; invalid for wallets
	wallet  string       // wallet or worker login, compared without case
	source  string       // the list the entry was read from
	line    int
	comment string
}

// LoadAllowList reads an allow-list, one entry a line: an IP address, a
// CIDR network or a wallet/worker login. Text after '#' is a comment, kept
// as the entry's reason; blank lines are skipped. source names the list in
// errors and matches.
func LoadAllowList(r io.Reader, source string) (*AllowList, error) {
	l := &AllowList{Source: source}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		text, comment, _ := strings.Cut(sc.Text(), "#")
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		if strings.ContainsAny(text, " \t") {
			return nil, fmt.Errorf("%s:%d: entry %q has spaces: one address, network or wallet a line", source, n, text)
		}
		e := allowEntry{source: source, line: n, comment: strings.TrimSpace(comment)}
		if a, err := netip.ParseAddr(text); err == nil {
			a = a.Unmap()
			e.prefix = netip.PrefixFrom(a, a.BitLen())
		} else if p, err := netip.ParsePrefix(text); err == nil {
			e.prefix = p.Masked()
		} else if strings.ContainsAny(text, "/:") {
			return nil, fmt.Errorf("%s:%d: %q is neither an address, a network nor a wallet", source, n, text)
		} else {
			e.wallet = strings.ToLower(text)
		}
		l.entries = append(l.entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", source, n+1, err)
	}
	return l, nil
}

// LoadAllowListFile reads an allow-list from a file.
func LoadAllowListFile(path string) (*AllowList, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return LoadAllowList(f, path)
}

// LoadAllowListFiles reads several allow-lists into one, in order; each
// entry cites its own file and line. An error names the file and line
// that failed. Without paths the list is empty.
func LoadAllowListFiles(paths ...string) (*AllowList, error) {
	var l *AllowList
	for _, p := range paths {
		next, err := LoadAllowListFile(p)
		if err != nil {
			return nil, err
		}
		if l == nil {
			l = next
			continue
		}
		l.Merge(next)
	}
	if l == nil {
		l = &AllowList{}
	}
	return l, nil
}

// Merge adds other's entries after l's own. The entries keep their
// sources, so a match on one of them still cites other's file and line.
// A nil other adds nothing; l must not be nil.
func (l *AllowList) Merge(other *AllowList) {
	if other == nil {
		return
	}
	if l.Source == "" {
		l.Source = other.Source
	}
	l.entries = append(l.entries, other.entries...)
}

// Len is the number of entries.
func (l *AllowList) Len() int {
	if l == nil {
		return 0
	}
	return len(l.entries)
}

// Match returns a description of every entry that matches the alert's
// source host or one of the logins seen in its Stratum sessions. A login
// matches a wallet entry exactly or with a worker suffix ("WALLET.rig1",
// "WALLET+diff").
func (l *AllowList) Match(src netip.Addr, logins []string) []string {
	if l == nil {
		return nil
	}
	var out []string
	src = src.Unmap()
	for _, e := range l.entries {
		var hit string
		switch {
		case e.prefix.IsValid():
			if src.IsValid() && e.prefix.Contains(src) {
				hit = e.prefix.String()
				if e.prefix.IsSingleIP() {
					hit = e.prefix.Addr().String()
				}
			}
		default:
			for _, login := range logins {
				if walletMatches(e.wallet, login) {
					hit = "wallet " + login
					break
				}
			}
		}
		if hit == "" {
			continue
		}
		desc := fmt.Sprintf("%s (%s:%d", hit, filepath.Base(e.source), e.line)
		if e.comment != "" {
			desc += ": " + e.comment
		}
		out = append(out, desc+")")
	}
	return out
}

// walletMatches compares a login with a wallet entry, ignoring case and a
// worker or difficulty suffix.
func walletMatches(entry, login string) bool {
	login = strings.ToLower(strings.TrimSpace(login))
	if login == "" || entry == "" {
		return false
	}
	if login == entry {
		return true
	}
	if strings.HasPrefix(login, entry) {
		switch login[len(entry)] {
		case '.', '+', '/', ':':
			return true
		}
	}
	return false
}

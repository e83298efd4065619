package capture

import (
	"context"
	"io"
	"net/netip"
	"sort"
	"time"
)

// ScanInfo is what a quick pass over a capture learns: enough for an
// importer to link the capture to alerts by address pair.
type ScanInfo struct {
	Format    string      // "pcap" | "pcapng"
	LinkType  string      // of the first interface
	Packets   int         // records read
	First     time.Time   // earliest record time
	Last      time.Time   // latest record time
	Pairs     [][2]string // IP address pairs, each sorted, deduplicated, sorted
	Truncated bool        // the file was cut short or a record was corrupt
	Warning   string      // why Truncated, naming the frame
}

// Scan reads a capture once, decoding only to the IP layer. A file that is
// not a capture is an error (wrapping ErrNotCapture); a capture cut short is
// not: it returns what it read with Truncated set.
func Scan(ctx context.Context, r io.Reader) (ScanInfo, error) {
	var info ScanInfo
	src, err := openSource(r)
	if err != nil {
		return info, err
	}
	info.Format, info.LinkType = src.format, linkName(src.link)
	pairs := map[[2]netip.Addr]struct{}{}
	var p packet
	for {
		if info.Packets&4095 == 0 && ctx.Err() != nil {
			return info, ctx.Err()
		}
		data, ts, _, link, err := src.next()
		if err != nil {
			if w := recordError(err, info.Packets+1); w != "" {
				info.Truncated, info.Warning = true, w
			}
			break
		}
		info.Packets++
		if !ts.IsZero() {
			if info.First.IsZero() || ts.Before(info.First) {
				info.First = ts
			}
			if ts.After(info.Last) {
				info.Last = ts
			}
		}
		p.ipv6 = false
		ip, ok := p.decodeLink(link, data)
		if !ok || !p.decodeIPAddrs(ip) {
			continue
		}
		a, b := p.src.Unmap(), p.dst.Unmap()
		if b.Less(a) {
			a, b = b, a
		}
		pairs[[2]netip.Addr{a, b}] = struct{}{}
	}
	info.LinkType = linkName(src.link)
	info.Pairs = sortedPairs(pairs)
	return info, nil
}

// decodeIPAddrs reads only the addresses of an IP header.
func (p *packet) decodeIPAddrs(data []byte) bool {
	if !p.ipv6 {
		if len(data) < 20 || data[0]>>4 != 4 {
			return false
		}
		p.src, p.dst = netip.AddrFrom4([4]byte(data[12:16])), netip.AddrFrom4([4]byte(data[16:20]))
		return true
	}
	if len(data) < 40 || data[0]>>4 != 6 {
		return false
	}
	p.src, p.dst = netip.AddrFrom16([16]byte(data[8:24])), netip.AddrFrom16([16]byte(data[24:40]))
	return true
}

func sortedPairs(m map[[2]netip.Addr]struct{}) [][2]string {
	keys := make([][2]netip.Addr, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if c := keys[i][0].Compare(keys[j][0]); c != 0 {
			return c < 0
		}
		return keys[i][1].Less(keys[j][1])
	})
	out := make([][2]string, len(keys))
	for i, k := range keys {
		out[i] = [2]string{k[0].String(), k[1].String()}
	}
	return out
}

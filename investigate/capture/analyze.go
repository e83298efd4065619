package capture

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"time"

	"github.com/google/gopacket/layers"
	"github.com/minertriage/minertriage/investigate/textsafe"
)

// Defaults for Options fields left zero.
const (
	DefaultMinString   = 6
	DefaultMaxStrings  = 2000
	DefaultBufferBytes = 64 << 20
)

// Options tune one analysis. The zero value is a sensible CLI default: no
// packet list and no stream copies (the workbench asks for them).
type Options struct {
	MinString      int // shortest printable run reported (default 6)
	MaxStrings     int // strings kept (default 2000); StringsTotal counts all
	MaxPackets     int // rows kept in PacketList; 0 = none
	MaxStreamBytes int // bytes kept per conversation in Streams; 0 = none
	// MaxBufferBytes caps out-of-order data buffered across all streams
	// (default 64 MiB).
	MaxBufferBytes int64
	// FilterPair keeps only conversations between these two addresses
	// (either order); packets elsewhere are still counted.
	FilterPair *[2]netip.Addr
	// Progress, when set, is called now and then with the bytes read from
	// the input and its total size (0 when unknown).
	Progress func(read, total int64)
	// Total is the input's size for Progress (AnalyzeFile sets it).
	Total int64
}

func (o Options) withDefaults() Options {
	if o.MinString <= 0 {
		o.MinString = DefaultMinString
	}
	if o.MaxStrings <= 0 {
		o.MaxStrings = DefaultMaxStrings
	}
	if o.MaxBufferBytes <= 0 {
		o.MaxBufferBytes = DefaultBufferBytes
	}
	return o
}

// AnalyzeFile opens path and analyses it. Errors name the file.
func AnalyzeFile(ctx context.Context, path string, opts Options) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && opts.Total == 0 {
		opts.Total = st.Size()
	}
	res, err := Analyze(ctx, f, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	res.File = path
	return res, nil
}

// Analyze reads a capture once and returns its analysis. A capture cut
// short or with a corrupt record is analysed up to that point and marked
// Truncated with a warning; input that is not a capture is an error
// wrapping ErrNotCapture.
func Analyze(ctx context.Context, r io.Reader, opts Options) (*Result, error) {
	src, err := openSource(r)
	if err != nil {
		return nil, err
	}
	a := newAnalysis(opts.withDefaults())
	a.res.Format = src.format
	if err := a.run(ctx, src); err != nil {
		return nil, err
	}
	a.res.LinkType = linkName(src.link)
	a.finish()
	return &a.res, nil
}

// analysis is the state of one pass.
type analysis struct {
	opts    Options
	res     Result
	pkt     packet
	convs   map[convKey]*conv
	order   []*conv
	dns     *dnsTable
	budget  budget
	strRefs []strRef
	defrag  defragmenter
	// overflow counts packets of conversations past maxConversations.
	overflow int
	links    map[layers.LinkType]int // undecodable link types → records
	// sniByAddr names servers by the SNI of any ClientHello sent to them.
	sniByAddr map[netip.Addr]string
}

// strRef remembers which conversation direction a kept string came from,
// so its "from" can be set once the client side is known.
type strRef struct {
	c    *conv
	half uint8
}

func newAnalysis(opts Options) *analysis {
	return &analysis{opts: opts, convs: map[convKey]*conv{}, dns: newDNSTable(),
		links: map[layers.LinkType]int{}, budget: budget{limit: opts.MaxBufferBytes}}
}

// run is the per-record loop.
func (a *analysis) run(ctx context.Context, src *source) error {
	frame := 0
	for {
		if frame&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if a.opts.Progress != nil {
				a.opts.Progress(src.counter.n, a.opts.Total)
			}
		}
		data, ts, origLen, link, err := src.next()
		if err != nil {
			if w := recordError(err, frame+1); w != "" {
				a.res.Truncated = true
				a.res.Warnings = append(a.res.Warnings, w)
			}
			break
		}
		frame++
		a.packet(frame, ts, origLen, link, data)
	}
	if a.opts.Progress != nil {
		a.opts.Progress(src.counter.n, a.opts.Total)
	}
	return nil
}

// packet handles one record.
func (a *analysis) packet(frame int, ts time.Time, origLen int, link layers.LinkType, data []byte) {
	a.res.Packets++
	a.res.Bytes += int64(origLen)
	if !ts.IsZero() {
		if a.res.First.IsZero() || ts.Before(a.res.First) {
			a.res.First = ts
		}
		if ts.After(a.res.Last) {
			a.res.Last = ts
		}
	}
	p := &a.pkt
	p.frame, p.ts, p.wireLen = frame, ts, origLen
	ok := p.decode(link, data)
	if !ok && !knownLink(link) {
		a.links[link]++
	}
	if len(a.res.PacketList) < a.opts.MaxPackets {
		a.res.PacketList = append(a.res.PacketList, summarize(p, ok))
	}
	if !ok {
		return
	}
	if p.frag {
		dgram, ok := a.defrag.add(p)
		if !ok {
			return
		}
		p.frag = false // the last fragment completed the datagram: go on with it
		p.decodeTransport(dgram)
	}
	if !p.hasPorts() {
		return
	}
	if fp := a.opts.FilterPair; fp != nil {
		s, d := p.src.Unmap(), p.dst.Unmap()
		if !(s == fp[0] && d == fp[1] || s == fp[1] && d == fp[0]) {
			return
		}
	}
	c, dir := a.lookup(p)
	if c == nil {
		return
	}
	c.count(p, dir)
	half := &c.halves[dir]
	if p.proto == protoUDP {
		if (p.sport == 53 || p.dport == 53) && len(p.payload) > 0 {
			c.dns = true
			a.dns.add(p.payload)
		}
	} else {
		c.tcp(a, p, dir)
	}
	// Encrypted records (and the hello, whose name is reported anyway) hold
	// no readable strings worth the scan.
	if half.kind != kindTLS && len(p.payload) >= a.opts.MinString {
		a.strings(c, dir, p)
	}
}

// strings extracts the printable runs of one payload.
func (a *analysis) strings(c *conv, dir int, p *packet) {
	if len(a.res.Strings) >= a.opts.MaxStrings {
		a.res.StringsTotal += eachString(p.payload, a.opts.MinString, nil)
		return
	}
	a.res.StringsTotal += eachString(p.payload, a.opts.MinString, func(run []byte) {
		if len(a.res.Strings) < a.opts.MaxStrings {
			a.res.Strings = append(a.res.Strings, String{Frame: p.frame, Text: textsafe.Bytes(run)})
			a.strRefs = append(a.strRefs, strRef{c, uint8(dir)})
		}
	})
}

// summarize builds one packet-list row.
func summarize(p *packet, ok bool) PacketSummary {
	s := PacketSummary{Frame: p.frame, Time: p.ts, Length: p.wireLen}
	if p.linkLayer != "" {
		s.Layers = append(s.Layers, p.linkLayer)
	}
	if !ok {
		s.Proto = "other"
		return s
	}
	if p.ipv6 {
		s.Layers = append(s.Layers, "IPv6")
	} else {
		s.Layers = append(s.Layers, "IPv4")
	}
	s.Proto = protoName(p.proto)
	if p.frag {
		s.Src, s.Dst, s.Info = p.src.Unmap().String(), p.dst.Unmap().String(), "fragment"
		return s
	}
	if !p.hasPorts() {
		s.Src, s.Dst = p.src.Unmap().String(), p.dst.Unmap().String()
		return s
	}
	s.Src, s.Dst = addrPort(p.src, p.sport), addrPort(p.dst, p.dport)
	s.Layers = append(s.Layers, map[bool]string{true: "TCP", false: "UDP"}[p.proto == protoTCP])
	if p.proto == protoTCP {
		s.Flags = tcpFlags(p.flags)
	}
	if len(p.payload) > 0 {
		s.Layers = append(s.Layers, "Payload")
		info := p.payload
		if len(info) > 80 {
			info = info[:80]
		}
		s.Info = textsafe.Bytes(info)
	}
	return s
}

// tcpFlags spells the flags as Wireshark's short form: "S", "SA", "PA", "FA".
func tcpFlags(f uint8) string {
	var b [6]byte
	n := 0
	for _, x := range []struct {
		bit uint8
		c   byte
	}{{flagSYN, 'S'}, {flagFIN, 'F'}, {flagRST, 'R'}, {flagPSH, 'P'}, {flagACK, 'A'}, {0x20, 'U'}} {
		if f&x.bit != 0 {
			b[n] = x.c
			n++
		}
	}
	return string(b[:n])
}

package capture

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// ErrNotCapture is wrapped by the error returned for input that is neither
// pcap nor pcapng (plain or gzip).
var ErrNotCapture = errors.New("not a packet capture")

// readBufSize is big enough that the reader's bufio sits under pcapgo's own
// (bufio.NewReader reuses a large enough *bufio.Reader instead of wrapping).
const readBufSize = 1 << 20

// countingReader counts the bytes pulled from the file (before gzip), for
// progress reports.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// source yields raw records from a pcap or pcapng stream.
type source struct {
	format   string // "pcap" | "pcapng"
	link     layers.LinkType
	counter  *countingReader
	pcap     *pcapgo.Reader
	ng       *pcapgo.NgReader
	linkSeen map[layers.LinkType]bool
}

// openSource sniffs the magic (after gunzipping if needed) and opens the
// matching pcapgo reader.
func openSource(r io.Reader) (*source, error) {
	cr := &countingReader{r: r}
	br := bufio.NewReaderSize(cr, readBufSize)
	magic, err := br.Peek(4)
	if len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, zerr := gzip.NewReader(br)
		if zerr != nil {
			return nil, fmt.Errorf("%w (gzip: %v)", ErrNotCapture, zerr)
		}
		br = bufio.NewReaderSize(zr, readBufSize)
		magic, err = br.Peek(4)
	}
	if err != nil || len(magic) < 4 {
		return nil, fmt.Errorf("%w (only %d bytes)", ErrNotCapture, len(magic))
	}
	s := &source{counter: cr, linkSeen: map[layers.LinkType]bool{}}
	switch binary.LittleEndian.Uint32(magic) {
	case 0x0A0D0D0A:
		s.format = "pcapng"
		s.ng, err = pcapgo.NewNgReader(br, pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			return nil, fmt.Errorf("%w (pcapng header: %v)", ErrNotCapture, err)
		}
		s.link = 255 // unknown until the first packet names its interface
	case 0xA1B2C3D4, 0xD4C3B2A1, 0xA1B23C4D, 0x4D3CB2A1:
		s.format = "pcap"
		s.pcap, err = pcapgo.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w (pcap header: %v)", ErrNotCapture, err)
		}
		s.link = s.pcap.LinkType()
	default:
		return nil, fmt.Errorf("%w (magic %02x%02x%02x%02x)", ErrNotCapture, magic[0], magic[1], magic[2], magic[3])
	}
	return s, nil
}

// next returns the next record. data is valid until the following call.
// io.EOF ends a clean capture; any other error is a cut or corrupt record.
func (s *source) next() (data []byte, ts time.Time, origLen int, link layers.LinkType, err error) {
	if s.pcap != nil {
		d, ci, err := s.pcap.ZeroCopyReadPacketData()
		if err != nil {
			return nil, time.Time{}, 0, s.link, err
		}
		return d, ci.Timestamp, ci.Length, s.link, nil
	}
	d, ci, err := s.ng.ZeroCopyReadPacketData()
	if err != nil {
		return nil, time.Time{}, 0, s.link, err
	}
	link = s.link
	if len(ci.AncillaryData) > 0 {
		if lt, ok := ci.AncillaryData[0].(layers.LinkType); ok {
			link = lt
			if s.link == 255 {
				s.link = lt // the file's link type is the first packet's
			}
		}
	}
	return d, ci.Timestamp, ci.Length, link, nil
}

// recordError turns a reader error into the warning text for frame n, or ""
// at a clean end of file.
func recordError(err error, frame int) string {
	switch {
	case err == nil || errors.Is(err, io.EOF):
		return ""
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("capture cut short: record %d is incomplete", frame)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return ""
	}
	return fmt.Sprintf("corrupt record at frame %d: %v; stopped there", frame, err)
}

// linkName is the human name of a link type, as in the JSON link_type.
func linkName(lt layers.LinkType) string {
	switch lt {
	case layers.LinkTypeEthernet:
		return "Ethernet"
	case layers.LinkTypeNull:
		return "BSD loopback"
	case layers.LinkTypeLoop:
		return "OpenBSD loopback"
	case layers.LinkTypeRaw, 12, 14:
		return "Raw IP"
	case layers.LinkTypeIPv4:
		return "Raw IPv4"
	case layers.LinkTypeIPv6:
		return "Raw IPv6"
	case layers.LinkTypeLinuxSLL:
		return "Linux SLL"
	case linkTypeSLL2:
		return "Linux SLL2"
	}
	return fmt.Sprintf("link type %d", int(lt))
}

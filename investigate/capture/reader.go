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

// errCorrupt marks a record the reader could not make sense of.
var errCorrupt = errors.New("unreadable record")

// readBufSize is big enough that the reader's bufio sits under pcapgo's own
// (bufio.NewReader reuses a large enough *bufio.Reader instead of wrapping).
const readBufSize = 1 << 20

// maxSnaplen is the largest record accepted (libpcap's own maximum is
// 262144); a longer one is treated as a corrupt record.
const maxSnaplen = 1 << 20

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
	br       *bufio.Reader // what pcapgo reads from (for checkNg)
	ngBig    bool          // current pcapng section is big-endian
}

// openSource sniffs the magic (after gunzipping if needed) and opens the
// matching pcapgo reader.
func openSource(r io.Reader) (src *source, err error) {
	defer func() {
		if p := recover(); p != nil {
			src, err = nil, fmt.Errorf("%w (unreadable header: %v)", ErrNotCapture, p)
		}
	}()
	cr := &countingReader{r: r}
	br := bufio.NewReaderSize(cr, readBufSize)
	var magic []byte
	magic, err = br.Peek(4)
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
	s := &source{counter: cr, linkSeen: map[layers.LinkType]bool{}, br: br}
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
		// pcapgo allocates a buffer of the snap length; a corrupt header
		// must not make it allocate gigabytes, and snaplen 0 means "no limit"
		// to libpcap but "nothing" to pcapgo.
		if sl := s.pcap.Snaplen(); sl == 0 || sl > maxSnaplen {
			s.pcap.SetSnaplen(maxSnaplen)
		}
	default:
		return nil, fmt.Errorf("%w (magic %02x%02x%02x%02x)", ErrNotCapture, magic[0], magic[1], magic[2], magic[3])
	}
	return s, nil
}

// next returns the next record. data is valid until the following call.
// io.EOF ends a clean capture; any other error is a cut or corrupt record.
func (s *source) next() (data []byte, ts time.Time, origLen int, link layers.LinkType, err error) {
	// pcapgo panics on some corrupt pcapng blocks (a zero timestamp
	// resolution divides by zero): that is a corrupt record, not a crash.
	defer func() {
		if p := recover(); p != nil {
			data, err = nil, fmt.Errorf("%w: %v", errCorrupt, p)
		}
	}()
	if s.pcap != nil {
		d, ci, err := s.pcap.ZeroCopyReadPacketData()
		if err != nil {
			return nil, time.Time{}, 0, s.link, err
		}
		return d, ci.Timestamp, ci.Length, s.link, nil
	}
	if err := s.checkNg(); err != nil {
		return nil, time.Time{}, 0, s.link, err
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

// checkNg looks ahead at the pcapng blocks up to the next packet before
// pcapgo reads them: pcapgo allocates a buffer of the interface's snap
// length and of the record's capture length unchecked, so a corrupt block
// could make it allocate gigabytes. Snap lengths are clamped in place (the
// peeked bytes are the buffer pcapgo reads next) and a packet block whose
// capture length exceeds the block or maxSnaplen is a corrupt record.
func (s *source) checkNg() error {
	off := 0
	for i := 0; i < 64 && off < 1<<16; i++ {
		h, _ := s.br.Peek(off + 24)
		if len(h) < off+12 {
			return nil // end of input: pcapgo reports it
		}
		b := h[off:]
		if binary.LittleEndian.Uint32(b) == 0x0A0D0D0A { // section header: byte order
			s.ngBig = binary.BigEndian.Uint32(b[8:12]) == 0x1A2B3C4D
		}
		bo := binary.ByteOrder(binary.LittleEndian)
		if s.ngBig {
			bo = binary.BigEndian
		}
		typ, length := bo.Uint32(b), bo.Uint32(b[4:8])
		if length < 12 {
			return fmt.Errorf("%w: pcapng block of %d bytes", errCorrupt, length)
		}
		switch typ {
		case 1: // interface description: snap length at +12
			if len(b) >= 16 {
				if sl := bo.Uint32(b[12:16]); sl == 0 || sl > maxSnaplen {
					bo.PutUint32(b[12:16], maxSnaplen)
				}
			}
		case 2, 6: // packet, enhanced packet: capture length at +20
			if len(b) >= 24 {
				if cl := bo.Uint32(b[20:24]); int64(cl) > int64(length)-32 || cl > maxSnaplen {
					return fmt.Errorf("%w: capture length %d in a %d-byte block", errCorrupt, cl, length)
				}
			}
			return nil
		case 3: // simple packet: its length is capped by the (clamped) snap length
			return nil
		}
		off += int(length)
	}
	return nil
}

package capture

import "encoding/binary"

// maxHelloBytes bounds how much of a direction is kept while waiting for
// a ClientHello split across segments.
const maxHelloBytes = 16 << 10

// tlsRecordLen returns the length of the TLS handshake record that b
// starts with (header included), or 0 when b does not start one.
func tlsRecordLen(b []byte) int {
	if len(b) < 5 || b[0] != 0x16 || b[1] != 0x03 || b[2] > 0x04 {
		return 0
	}
	return 5 + int(binary.BigEndian.Uint16(b[3:5]))
}

// looksLikeTLS reports whether b starts a TLS record: a handshake (the
// first bytes of ClientHello and ServerHello), or change-cipher-spec,
// alert or application data (a TLS stream seen from the middle).
func looksLikeTLS(b []byte) bool {
	return len(b) >= 3 && b[0] >= 0x14 && b[0] <= 0x17 && b[1] == 0x03 && b[2] <= 0x04
}

// parseSNI extracts the server name from a TLS record holding a
// ClientHello. ok is false when the record is not a complete ClientHello;
// a hello without the extension returns "", true.
func parseSNI(rec []byte) (sni string, ok bool) {
	n := tlsRecordLen(rec)
	if n == 0 || len(rec) < n {
		return "", false
	}
	h := rec[5:n]
	if len(h) < 4 || h[0] != 0x01 { // handshake type client_hello
		return "", false
	}
	hl := int(h[1])<<16 | int(h[2])<<8 | int(h[3])
	h = h[4:]
	if hl < len(h) {
		h = h[:hl]
	}
	// version(2) random(32)
	if len(h) < 34 {
		return "", false
	}
	h = h[34:]
	h, ok = skipVec(h, 1) // session id
	if !ok {
		return "", false
	}
	h, ok = skipVec(h, 2) // cipher suites
	if !ok {
		return "", false
	}
	h, ok = skipVec(h, 1) // compression methods
	if !ok {
		return "", false
	}
	if len(h) < 2 {
		return "", true // no extensions
	}
	ext := h[2:]
	if el := int(binary.BigEndian.Uint16(h[:2])); el < len(ext) {
		ext = ext[:el]
	}
	for len(ext) >= 4 {
		typ := binary.BigEndian.Uint16(ext[:2])
		l := int(binary.BigEndian.Uint16(ext[2:4]))
		if 4+l > len(ext) {
			return "", false
		}
		if typ == 0 {
			return serverName(ext[4 : 4+l]), true
		}
		ext = ext[4+l:]
	}
	return "", true
}

// serverName reads the host_name entry of a server_name extension.
func serverName(b []byte) string {
	if len(b) < 2 {
		return ""
	}
	b = b[2:]
	for len(b) >= 3 {
		typ := b[0]
		l := int(binary.BigEndian.Uint16(b[1:3]))
		if 3+l > len(b) {
			return ""
		}
		if typ == 0 {
			return string(b[3 : 3+l])
		}
		b = b[3+l:]
	}
	return ""
}

// skipVec skips a vector with a length prefix of width bytes.
func skipVec(b []byte, width int) ([]byte, bool) {
	if len(b) < width {
		return nil, false
	}
	n := int(b[0])
	if width == 2 {
		n = int(binary.BigEndian.Uint16(b[:2]))
	}
	if len(b) < width+n {
		return nil, false
	}
	return b[width+n:], true
}

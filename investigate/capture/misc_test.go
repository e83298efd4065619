package capture

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/minertriage/minertriage/investigate/capture/capturetest"
)

func TestFragmentsAreReported(t *testing.T) {
	b := capturetest.New()
	fullSession(b.TCP(miner, pool))
	// Turn frame 4 (the login) into a first fragment: MF set.
	frame := b.Packets[3].Data
	frame[14+6] |= 0x20
	res := analyze(t, b.Pcap(), Options{})
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "1 IP fragments") {
		t.Fatalf("warnings %q", res.Warnings)
	}
}

func TestProgressAndCancel(t *testing.T) {
	b := capturetest.New()
	fullSession(b.TCP(miner, pool))
	data := b.Pcap()
	var last, total int64
	_, err := Analyze(context.Background(), bytes.NewReader(data), Options{Total: int64(len(data)), Progress: func(r, t int64) { last, total = r, t }})
	if err != nil || last != int64(len(data)) || total != int64(len(data)) {
		t.Fatalf("progress %d/%d, err %v", last, total, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Analyze(ctx, bytes.NewReader(data), Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: err %v", err)
	}
}

func TestUnknownLinkTypeWarns(t *testing.T) {
	b := capturetest.New()
	fullSession(b.TCP(miner, pool))
	data := b.Pcap()
	data[20] = 147 // LINKTYPE_USER0
	res := analyze(t, data, Options{})
	if res.LinkType != "link type 147" || len(res.Conversations) != 0 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "link type 147") {
		t.Fatalf("link %q conversations %d warnings %q", res.LinkType, len(res.Conversations), res.Warnings)
	}
}

func TestPcapNgTwoSections(t *testing.T) {
	first := capturetest.New()
	c := first.TCP(miner, pool)
	c.Handshake()
	c.Send(true, []byte(xmrLogin), 0)
	second := capturetest.New(int(113)) // the second section captured on Linux SLL
	c2 := second.TCP("10.9.9.9:50000", "45.9.148.22:3333")
	c2.Handshake()
	c2.Send(false, []byte(xmrJob), 0)
	data := append(first.PcapNg(), second.PcapNg()...)
	res := analyze(t, data, Options{})
	if res.Packets != len(first.Packets)+len(second.Packets) || len(res.Conversations) != 2 || len(res.Stratum) != 2 {
		t.Fatalf("packets %d conversations %d sessions %d", res.Packets, len(res.Conversations), len(res.Stratum))
	}
}

package capture

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/gopacket/layers"
	"github.com/minertriage/minertriage/investigate/capture/capturetest"
)

func TestFragmentsReassembled(t *testing.T) {
	for _, ends := range [][2]string{{miner, pool}, {"[fd00::5]:40112", "[2001:db8::21]:3333"}} {
		b := capturetest.New()
		c := b.TCP(ends[0], ends[1])
		c.Handshake()
		// The login as one TCP segment in three IP fragments, sent last-first,
		// plus an incomplete datagram that never finishes.
		ip := capturetest.IPPacket(c.Client, c.Server, &layers.TCP{Seq: c.Seq(true, 0), Ack: c.Seq(false, 0), ACK: true, PSH: true, DataOffset: 5, Window: 512}, []byte(xmrLogin))
		c.Skip(true, len(xmrLogin))
		frags := capturetest.Fragment(ip, 80, 77)
		for i := len(frags) - 1; i >= 0; i-- {
			b.Add(frags[i])
		}
		b.Add(capturetest.Fragment(ip, 80, 78)[0])
		c.Send(false, []byte(xmrLoginR), 0)
		res := analyze(t, b.Pcap(), Options{})
		if len(res.Stratum) != 1 || !res.Stratum[0].Steps[0].Observed || !strings.HasPrefix(res.Stratum[0].Login, "44AFF") {
			t.Fatalf("%s: the fragmented login was not reassembled: %+v", ends[0], res.Stratum)
		}
		want := fmt.Sprintf("%d IP fragments: 1 datagrams reassembled, 1 incomplete", len(frags)+1)
		if len(res.Warnings) != 1 || !strings.HasPrefix(res.Warnings[0], want) {
			t.Fatalf("warnings %q, want %q", res.Warnings, want)
		}
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

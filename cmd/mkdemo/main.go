// Command mkdemo writes the built-in demo case and the hostile fixtures.
// Everything is generated from a fixed seed, so running it again gives
// byte-identical files; a test in this package checks that the committed
// copies in testdata/ never drift from it.
//
//	go run ./cmd/mkdemo -o testdata/demo
//	go run ./cmd/mkdemo -hostile -o testdata/hostile
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// demoSeed fixes every random choice of the demo case.
const demoSeed = 0x6d696e6572747269 // "minertri"

func main() {
	out := flag.String("o", "", "directory to write into (created if missing)")
	hostile := flag.Bool("hostile", false, "write the hostile fixtures instead of the demo case")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: mkdemo [-hostile] -o DIR")
		os.Exit(2)
	}
	files := demoFiles()
	if *hostile {
		files = hostileFiles()
	}
	if err := writeFiles(*out, files); err != nil {
		fmt.Fprintln(os.Stderr, "mkdemo:", err)
		os.Exit(1)
	}
}

// writeFiles writes every file into dir, in name order.
func writeFiles(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), files[n], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// demoFiles generates the demo case: logs, captures, allow-list, README.
func demoFiles() map[string][]byte {
	c := newCase(demoSeed)
	c.clearMiner()
	c.blockedMiner()
	c.falsePositive()
	wallet := c.authorizedMiner()
	c.background()
	c.finish()
	c.files["authorized-miners.txt"] = []byte(allowList(wallet))
	c.files["README.md"] = []byte(c.readme(wallet))
	return c.files
}

// allowList is the authorised-miner list in the format casework reads.
func allowList(wallet string) string {
	return "# Authorised coin miners: one IP address, CIDR network or wallet a line.\n" +
		"# Text after '#' is the reason, quoted in the finding when an alert matches.\n" +
		"10.60.1.10 # research-lab-01, RandomX benchmarking for the HPC group, change CHG-2026-0412 (until 2026-09-30)\n" +
		wallet + " # research-lab-01 payout wallet, owned by the HPC group, CHG-2026-0412\n"
}

package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/textsafe"
)

func newExportCmd(a *app) *cobra.Command {
	var out string
	var asJSON bool
	var cf intelFlags
	cmd := &cobra.Command{
		Use:   "export ALERT [-o FILE]",
		Short: "Write markdown case notes",
		Long: `export writes the case notes of one alert as markdown, ready to paste into a
ticket: summary, disposition and cause, timeline, one section per step with its
evidence, defanged indicators, MITRE ATT&CK T1496, recommendations, the decision
history and the sha256 of every evidence file. Values from evidence are in code
spans and defanged, so the notes render inert. --json gives the same as data.
The store is opened read-only.`,
		Args: exactArgs(1, "one alert id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			doc, err := readAlert(cmd.Context(), a, cf, args[0], (*casework.Service).NotesJSON)
			if err != nil {
				return err
			}
			body := []byte(doc.Markdown)
			if asJSON {
				var buf bytes.Buffer
				if err := writeInertJSON(&buf, doc); err != nil {
					return err
				}
				body = buf.Bytes()
			}
			if out == "" || out == "-" {
				_, err = a.stdout.Write(body)
				return err
			}
			if err := writeFileAtomic(out, body); err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "wrote the case notes of %s to %s\n", textsafe.Line(args[0]), textsafe.Line(out))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of standard output")
	cmd.Flags().BoolVar(&asJSON, "json", false, "write the notes as JSON (the markdown is in the \"markdown\" key)")
	cf.register(cmd.Flags())
	return cmd
}

// writeFileAtomic writes through a temporary file in the same directory, so
// an interrupted export never leaves half a file under the final name.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".minertriage-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

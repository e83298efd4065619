package main

import (
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/intel"
)

// intelFlags are the intelligence files an analyst brings: the
// authorised-miner allow-list, extra pools and an owners table. analyze,
// export, the workbench and demo take all three, flows the two lists; one
// loader keeps their errors (file:line, exit 1) the same everywhere.
type intelFlags struct {
	authorized string // allow-list of authorised miners
	pools      string // extra mining-pool list
	owners     string // iptoasn owners table
}

// register adds --authorized, --pools and --owners to fs.
func (f *intelFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.authorized, "authorized", "", "allow-list of authorised miners: one address, CIDR network or wallet a line")
	f.registerLists(fs)
}

// registerLists adds --pools and --owners only (flows has no alerts to
// allow-list).
func (f *intelFlags) registerLists(fs *pflag.FlagSet) {
	fs.StringVar(&f.pools, "pools", "", "extra mining-pool list, one host, address or address:port a line")
	fs.StringVar(&f.owners, "owners", "", "address→owner table in the iptoasn.com TSV format")
}

// options loads the files the flags name into the intelligence part of
// casework.Options (Authorized, Pools, Owners); the caller sets the rest.
func (f intelFlags) options() (casework.Options, error) {
	var o casework.Options
	var err error
	if f.authorized != "" {
		if o.Authorized, err = casework.LoadAllowListFile(f.authorized); err != nil {
			return o, namePath(f.authorized, err)
		}
	}
	o.Pools, o.Owners, err = f.lists()
	return o, err
}

// lists loads --pools (merged after the built-in list, which is returned
// alone without the flag) and --owners (nil without the flag).
func (f intelFlags) lists() (*intel.PoolList, *intel.Owners, error) {
	pools := intel.DefaultPools()
	if f.pools != "" {
		extra, err := loadFile(f.pools, func(r io.Reader) (*intel.PoolList, error) { return intel.LoadPools(r, f.pools) })
		if err != nil {
			return nil, nil, namePath(f.pools, err)
		}
		pools.Merge(extra)
	}
	if f.owners == "" {
		return pools, nil, nil
	}
	owners, err := loadFile(f.owners, func(r io.Reader) (*intel.Owners, error) { return intel.LoadOwners(r, f.owners) })
	if err != nil {
		return nil, nil, namePath(f.owners, err)
	}
	return pools, owners, nil
}

// caseOptions is the casework options of a command: the analyst and the
// intelligence files.
func (a *app) caseOptions(f intelFlags) (casework.Options, error) {
	o, err := f.options()
	o.Analyst = a.analystName()
	return o, err
}

// loadFile opens path and hands it to load; errors name the file.
func loadFile[T any](path string, load func(io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		return zero, err // *PathError names the file
	}
	defer f.Close()
	return load(f)
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mpconsole/mpconsole/api"
)

const getUsage = `usage: mpconsole get KIND [ID] [--parent KIND=ID ...] [-o table|json]
                     [--profile NAME | --sandbox] [--config FILE] [--account ID]
                     [--request-timeout 45s]

Prints the entities of KIND (all of them, or the one with ID) for scripts:
-o table (default) shows the kind's columns, -o json the entities as a JSON
array, exactly as the API sent them.

Credentials: --sandbox starts the embedded sandbox; otherwise the MPARTICLE_*
variables (profile "env"), else --profile NAME or the default profile of the
profiles file.

--parent KIND=ID names a parent by kind or alias (app=1, ws=4302, ca=5), or a
module (module=indicative). --request-timeout bounds the whole call, retries
included (default 45s); a shorter budget shortens the waits between tries.

Exit status: 0 success, 1 the API (or the connection) failed, 2 bad usage.

Kinds (and aliases):
`

// parentFlags collects repeated --parent KIND=ID flags.
type parentFlags []string

func (p *parentFlags) String() string     { return strings.Join(*p, ",") }
func (p *parentFlags) Set(v string) error { *p = append(*p, v); return nil }

// usageError is a problem with the command line: exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

type getOptions struct {
	kind    *api.Descriptor
	id      string
	ref     api.Ref
	output  string
	profile string
	config  string
	sandbox bool
	account int64
	hasAcct bool
	parents parentFlags
	// requestTimeout is the whole call's budget, retries included.
	requestTimeout time.Duration
}

// runGet implements `mpconsole get`.
func runGet(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseGetArgs(args)
	if errors.Is(err, flag.ErrHelp) {
		printGetUsage(stdout)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "mpconsole get: %v\n", err)
		fmt.Fprintln(stderr, "run 'mpconsole get -h' for usage")
		return 2
	}
	client, cleanup, err := getClient(ctx, opts)
	if err != nil {
		fmt.Fprintf(stderr, "mpconsole get: %v\n", err)
		var ue *usageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	defer cleanup()

	var ents []api.Entity
	if opts.id != "" || opts.kind.Single {
		var e api.Entity
		e, err = client.Get(ctx, opts.kind, opts.ref, opts.id)
		if err == nil {
			ents = []api.Entity{e}
		}
	} else {
		ents, err = client.List(ctx, opts.kind, opts.ref)
	}
	if err != nil {
		return reportGetError(stderr, err)
	}
	if opts.output == "json" {
		err = writeJSON(stdout, ents)
	} else {
		err = writeTable(stdout, opts.kind, ents)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mpconsole get: writing the output: %v\n", err)
		return 1
	}
	return 0
}

// parseGetArgs reads the command line. Flags may come before or after
// KIND and ID.
func parseGetArgs(args []string) (*getOptions, error) {
	o := &getOptions{}
	fs := flag.NewFlagSet("get", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(&o.parents, "parent", "parent reference KIND=ID (repeatable)")
	fs.StringVar(&o.output, "o", "table", "output: table or json")
	fs.StringVar(&o.output, "output", "table", "output: table or json")
	fs.StringVar(&o.profile, "profile", "", "profile to use")
	fs.StringVar(&o.config, "config", "", "profiles file")
	fs.BoolVar(&o.sandbox, "sandbox", false, "use the embedded sandbox")
	account := fs.String("account", "", "account id (default: the profile's)")
	registerRequestTimeout(fs, &o.requestTimeout)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{strings.TrimPrefix(err.Error(), "flag provided but not defined: ") + flagHint(err)}
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch len(pos) {
	case 0:
		return nil, usagef("no KIND given (one of: %s)", kindList())
	case 1, 2:
	default:
		return nil, usagef("too many arguments: %q (want KIND [ID])", pos[2:])
	}
	d, ok := api.Lookup(pos[0])
	if !ok {
		return nil, usagef("unknown kind %q (one of: %s)", pos[0], kindList())
	}
	o.kind = d
	if len(pos) == 2 {
		o.id = pos[1]
		if o.id == "" {
			return nil, usagef("the ID is empty")
		}
	}
	if o.output != "table" && o.output != "json" {
		return nil, usagef("-o %q: want table or json", o.output)
	}
	if *account != "" {
		n, err := strconv.ParseInt(*account, 10, 64)
		if err != nil || n <= 0 {
			return nil, usagef("--account %q is not an account id", *account)
		}
		o.account, o.hasAcct = n, true
	}
	if err := checkRequestTimeout(o.requestTimeout); err != nil {
		return nil, err
	}
	if o.sandbox && o.profile != "" {
		return nil, usagef("--sandbox and --profile exclude each other")
	}
	ref, err := api.DefaultCatalog().ParseParents(d, o.parents)
	if err != nil {
		return nil, usagef("--parent %v", err)
	}
	o.ref = ref
	// Check the references now, so a missing one is a usage error before
	// any credential is touched.
	if err := api.CheckRef(d, ref, o.id != "" || d.Single); err != nil {
		return nil, &usageError{err.Error()}
	}
	return o, nil
}

func flagHint(err error) string {
	if strings.Contains(err.Error(), "flag provided but not defined") {
		return " is not a flag of get"
	}
	return ""
}

func kindList() string {
	var names []string
	for _, d := range api.DefaultCatalog().Kinds() {
		names = append(names, d.Name)
	}
	return strings.Join(names, ", ")
}

func printGetUsage(w io.Writer) {
	fmt.Fprint(w, getUsage)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, d := range api.DefaultCatalog().Kinds() {
		names := append([]string{d.Singular}, d.Aliases...)
		line := "  " + d.Name + "\t" + strings.Join(names[:min(len(names), 4)], ", ")
		if n := d.Needs(); len(n) > 0 {
			line += "\t--parent " + strings.Join(n, "=ID --parent ") + "=ID"
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
}

// getClient builds the API client the way the console does (openSession),
// except that with nothing configured it says so instead of starting the
// sandbox: a script should not read demo data by accident. cleanup releases
// the client (and stops an embedded sandbox).
func getClient(ctx context.Context, o *getOptions) (*api.Client, func(), error) {
	s, err := openSession(ctx, sessionFlags{sandbox: o.sandbox, profile: o.profile, config: o.config, explicit: true,
		requestTimeout: o.requestTimeout})
	if err != nil {
		return nil, nil, err
	}
	var acct int64
	if o.hasAcct {
		acct = o.account
	}
	c, err := s.Accounts.Client(ctx, s.Profile, acct)
	if err != nil {
		s.Close()
		return nil, nil, &usageError{err.Error()}
	}
	return c, s.Close, nil
}

// reportGetError prints a failure and picks the exit status: 2 for what
// the command line got wrong, 1 for everything the API or the network did.
func reportGetError(stderr io.Writer, err error) int {
	var mr *api.MissingRefError
	if errors.As(err, &mr) || errors.Is(err, api.ErrNotSupported) {
		fmt.Fprintf(stderr, "mpconsole get: %v\n", err)
		return 2
	}
	var ae *api.Error
	if !errors.As(err, &ae) {
		fmt.Fprintf(stderr, "mpconsole get: %v\n", err)
		return 1
	}
	head := *ae
	head.Items = nil
	fmt.Fprintf(stderr, "mpconsole get: %v\n", &head)
	for _, it := range ae.Items {
		fmt.Fprintf(stderr, "  %s\n", it)
	}
	switch {
	case !ae.TokenEndpoint:
	case errors.Is(ae, api.ErrUnauthorized):
		fmt.Fprintln(stderr, "  (the token endpoint refused the credentials: check the client id, the secret and the audience)")
	case errors.Is(ae, api.ErrNetwork):
		fmt.Fprintln(stderr, "  (no answer from the token endpoint: check the token URL and the network)")
	default:
		fmt.Fprintln(stderr, "  (the token endpoint answered without a token: check the token URL)")
	}
	return 1
}

// writeJSON prints the entities as a JSON array, each as the API sent it
// (indented; no field added, dropped or reordered).
func writeJSON(w io.Writer, ents []api.Entity) error {
	var b bytes.Buffer
	if len(ents) == 0 {
		b.WriteString("[]\n")
		_, err := w.Write(b.Bytes())
		return err
	}
	b.WriteString("[\n")
	for i, e := range ents {
		b.WriteString("  ")
		if err := json.Indent(&b, e.Raw, "  ", "  "); err != nil {
			return fmt.Errorf("entity %s: %w", e.ID, err)
		}
		if i < len(ents)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]\n")
	_, err := w.Write(b.Bytes())
	return err
}

// writeTable prints the kind's columns, one entity a line.
func writeTable(w io.Writer, d *api.Descriptor, ents []api.Entity) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	titles := make([]string, len(d.Columns))
	for i, c := range d.Columns {
		titles[i] = c.Title
	}
	fmt.Fprintln(tw, strings.Join(titles, "\t"))
	for _, e := range ents {
		row := e.Row()
		for i, cell := range row {
			row[i] = strings.ReplaceAll(cell, "\t", " ")
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

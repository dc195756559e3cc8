package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/goccy/go-yaml"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mpconsole/mpconsole/api"
)

const getLong = `Prints the entities of KIND (all of them, or the one with ID) for scripts.

Output (-o, --output):
  table  the kind's columns, long values shortened (default)
  wide   every column, nothing shortened
  json   the entities as a JSON array, exactly as the API sent them
  yaml   the same data as YAML
  name   one ID a line
--no-headers leaves out the title line of table and wide.

Credentials: --sandbox starts the embedded sandbox; otherwise the MPARTICLE_*
variables (profile "env"), else --profile NAME or the default profile of the
profiles file.

--parent KIND=ID names a parent by kind or alias (app=1, ws=4302, ca=5), or a
module (module=indicative). --request-timeout bounds the whole call, retries
included (default 45s); a shorter budget shortens the waits between tries.

Exit status: 0 success, 1 the API (or the connection) failed, 2 bad usage.

Kinds (and aliases):
`

// getOutputs are the formats of -o, in the order help and completion
// show them.
var getOutputs = []struct{ name, help string }{
	{"table", "the kind's columns (default)"},
	{"wide", "every column, nothing shortened"},
	{"json", "a JSON array, as the API sent it"},
	{"yaml", "the same data as YAML"},
	{"name", "one ID a line"},
}

type getOptions struct {
	kind      *api.Descriptor
	id        string
	ref       api.Ref
	output    string
	noHeaders bool
	profile   string
	config    string
	sandbox   bool
	account   string
	acct      int64 // the parsed --account; 0: the profile's
	parents   []string
	// requestTimeout is the whole call's budget, retries included.
	requestTimeout time.Duration
	logger         *slog.Logger
}

func (o *getOptions) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&o.parents, "parent", nil, "parent reference KIND=ID (repeatable)")
	fs.StringVarP(&o.output, "output", "o", "table", "output format: table, wide, json, yaml or name")
	fs.BoolVar(&o.noHeaders, "no-headers", false, "leave out the title line of table and wide")
	fs.StringVarP(&o.profile, "profile", "p", "", "profile to use")
	fs.StringVar(&o.config, "config", "", "profiles file")
	fs.BoolVar(&o.sandbox, "sandbox", false, "use the embedded sandbox")
	fs.StringVar(&o.account, "account", "", "account id (default: the profile's)")
	registerRequestTimeout(fs, &o.requestTimeout)
}

// getCmd is `mpconsole get`.
func (c *cli) getCmd() *cobra.Command {
	o := &getOptions{}
	cmd := &cobra.Command{
		Use:   "get KIND [ID]",
		Short: "Print entities, for scripts",
		Long:  getLong, // the kinds table is added when shown: see longKinds
		Example: `  mpconsole get apps --sandbox
  mpconsole get platforms --parent app=1 -o json
  mpconsole get apps -o name --no-headers
  mpconsole get ca --parent ws=4302 -o yaml -p prod`,
		ValidArgsFunction: completeGetArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.logger = c.log.logger
			if err := o.complete(args); err != nil {
				fmt.Fprintf(c.stderr, "mpconsole get: %v\n", err)
				fmt.Fprintln(c.stderr, "Run 'mpconsole get --help' for usage.")
				return exitStatus(2)
			}
			return status(runGet(cmd.Context(), o, c.stdout, c.stderr))
		},
	}
	o.register(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("parent", completeParents)
	_ = cmd.RegisterFlagCompletionFunc("output", completeOutputs)
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfiles)
	return withKindTable(cmd)
}

// runGet reads and prints what the options ask for.
func runGet(ctx context.Context, opts *getOptions, stdout, stderr io.Writer) int {
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
	err = writeEntities(stdout, opts, ents)
	if err != nil {
		fmt.Fprintf(stderr, "mpconsole get: writing the output: %v\n", err)
		return 1
	}
	return 0
}

// complete checks the positional arguments and the flags' values.
func (o *getOptions) complete(pos []string) error {
	switch len(pos) {
	case 0:
		return usagef("no KIND given (one of: %s)", kindList())
	case 1, 2:
	default:
		return usagef("too many arguments: %q (want KIND [ID])", pos[2:])
	}
	d, ok := api.Lookup(pos[0])
	if !ok {
		return usagef("unknown kind %q (one of: %s)", pos[0], kindList())
	}
	o.kind = d
	if len(pos) == 2 {
		o.id = pos[1]
		if o.id == "" {
			return usagef("the ID is empty")
		}
	}
	if !slices.ContainsFunc(getOutputs, func(f struct{ name, help string }) bool { return f.name == o.output }) {
		return usagef("-o %q: want table, wide, json, yaml or name", o.output)
	}
	if o.account != "" {
		n, err := strconv.ParseInt(o.account, 10, 64)
		if err != nil || n <= 0 {
			return usagef("--account %q is not an account id", o.account)
		}
		o.acct = n
	}
	if err := checkRequestTimeout(o.requestTimeout); err != nil {
		return err
	}
	if o.sandbox && o.profile != "" {
		return usagef("--sandbox and --profile exclude each other")
	}
	ref, err := api.DefaultCatalog().ParseParents(d, o.parents)
	if err != nil {
		return usagef("--parent %v", err)
	}
	o.ref = ref
	// Check the references now, so a missing one is a usage error before
	// any credential is touched.
	if err := api.CheckRef(d, ref, o.id != "" || d.Single); err != nil {
		return &usageError{err.Error()}
	}
	return nil
}

func kindList() string {
	var names []string
	for _, d := range api.DefaultCatalog().Kinds() {
		names = append(names, d.Name)
	}
	return strings.Join(names, ", ")
}

// longKinds marks a command whose Long ends with the kinds table. The
// table is added when the text is shown (its help, the man page), not when
// the command tree is built: it needs the catalogue, which every other
// start-up (--help, the console's first frame) need not build first.
const longKinds = "mpconsole/long-kinds"

// withKindTable marks cmd as longKinds and shows its help with the table.
func withKindTable(cmd *cobra.Command) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[longKinds] = "pending"
	cmd.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		completeLong(cmd)
		cmd.Parent().HelpFunc()(cmd, args)
	})
	return cmd
}

// completeLong adds the kinds table to cmd and its subcommands marked
// longKinds, once.
func completeLong(cmd *cobra.Command) {
	if cmd.Annotations[longKinds] == "pending" {
		cmd.Long += kindTable()
		cmd.Annotations[longKinds] = "done"
	}
	for _, sub := range cmd.Commands() {
		completeLong(sub)
	}
}

// kindTable lists the kinds, their first aliases and the parents they
// need, for get's help.
func kindTable() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for _, d := range api.DefaultCatalog().Kinds() {
		names := append([]string{d.Singular}, d.Aliases...)
		line := "  " + d.Name + "\t" + strings.Join(names[:min(len(names), 3)], ", ")
		if n := d.Needs(); len(n) > 0 {
			line += "\t--parent " + strings.Join(n, "=ID --parent ") + "=ID"
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	return strings.TrimRight(b.String(), "\n")
}

// getClient builds the API client the way the console does (openSession),
// except that with nothing configured it says so instead of starting the
// sandbox: a script should not read demo data by accident. cleanup releases
// the client (and stops an embedded sandbox).
func getClient(ctx context.Context, o *getOptions) (*api.Client, func(), error) {
	s, err := openSession(ctx, sessionFlags{sandbox: o.sandbox, profile: o.profile, config: o.config, explicit: true,
		requestTimeout: o.requestTimeout, logger: o.logger})
	if err != nil {
		return nil, nil, err
	}
	c, err := s.Accounts.Client(ctx, s.Profile, o.acct)
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

// writeEntities prints the entities in the format of -o.
func writeEntities(w io.Writer, o *getOptions, ents []api.Entity) error {
	switch o.output {
	case "json":
		return writeJSON(w, ents)
	case "yaml":
		return writeYAML(w, ents)
	case "name":
		return writeNames(w, ents)
	case "wide":
		return writeTable(w, o.kind, ents, !o.noHeaders, false)
	}
	return writeTable(w, o.kind, ents, !o.noHeaders, true)
}

// writeYAML prints what writeJSON prints, as YAML: the same data, keys in
// the API's order, every string double-quoted (so that no YAML reader
// takes "2014-06-11T19:43:48" for a time or "no" for false).
func writeYAML(w io.Writer, ents []api.Entity) error {
	var b bytes.Buffer
	if err := writeJSON(&b, ents); err != nil {
		return err
	}
	var v any
	if err := yaml.UnmarshalWithOptions(b.Bytes(), &v, yaml.UseOrderedMap()); err != nil {
		return fmt.Errorf("converting to YAML: %w", err)
	}
	y, err := yaml.MarshalWithOptions(v, yaml.CustomMarshaler[string](quoteYAML))
	if err != nil {
		return fmt.Errorf("converting to YAML: %w", err)
	}
	if len(y) > 0 && y[len(y)-1] != '\n' {
		y = append(y, '\n')
	}
	_, err = w.Write(y)
	return err
}

// quoteYAML writes a string as a double-quoted scalar: JSON's escapes are
// a subset of YAML's.
func quoteYAML(s string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// writeNames prints one ID a line, for `xargs` and `while read`.
func writeNames(w io.Writer, ents []api.Entity) error {
	var b strings.Builder
	for _, e := range ents {
		b.WriteString(e.ID)
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTable prints the kind's columns, one entity a line; headers adds
// the title line; shorten cuts a long cell (but never the ID) to maxCell
// cells (table), else every cell is whole (wide).
func writeTable(w io.Writer, d *api.Descriptor, ents []api.Entity, headers, shorten bool) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if headers {
		titles := make([]string, len(d.Columns))
		for i, c := range d.Columns {
			titles[i] = c.Title
		}
		fmt.Fprintln(tw, strings.Join(titles, "\t"))
	}
	for _, e := range ents {
		row := e.Row()
		for i, cell := range row {
			cell = strings.ReplaceAll(cell, "\t", " ")
			if shorten && cell != e.ID {
				cell = ansi.Truncate(cell, maxCell, "…")
			}
			row[i] = cell
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

// maxCell is the widest cell of -o table, in terminal cells.
const maxCell = 48

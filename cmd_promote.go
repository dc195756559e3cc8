package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mpconsole/mpconsole/accounts"
	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/promote"
	"github.com/mpconsole/mpconsole/state"
)

// The export, diff and apply commands keep accounts alike the kubectl
// and terraform way, on the promote package: export writes an account's
// configuration as files, diff compares accounts and directories, apply
// makes an account match a directory.

// diffChanged is diff's exit status when applying SOURCE to TARGET would
// write something.
const diffChanged = 3

// secretEnvPrefix starts the environment variables that give apply a
// secret reference's value: MPCONSOLE_SECRET_<NAME>.
const secretEnvPrefix = "MPCONSOLE_SECRET_"

// promoteFlags are the flags export, diff and apply share.
type promoteFlags struct {
	session sessionFlags
	kinds   []string
}

func (f *promoteFlags) register(fs *pflag.FlagSet) {
	f.session.register(fs)
	fs.StringSliceVar(&f.kinds, "kinds", nil, "kinds to include, comma-separated (default: every kind; a kind's parents are added)")
}

// check validates the shared flags: a usage error, nothing read.
func (f *promoteFlags) check() error {
	if err := checkRequestTimeout(f.session.requestTimeout); err != nil {
		return err
	}
	if f.session.sandbox && f.session.profile != "" {
		return usagef("--sandbox and --profile exclude each other")
	}
	if len(f.kinds) > 0 {
		if _, err := promote.NewSnapshot(f.kinds); err != nil {
			return usagef("--kinds: %v", err)
		}
	}
	return nil
}

// open opens the session the flags choose. With nothing configured it
// fails rather than start the embedded sandbox: a script must not copy
// demo data by accident.
func (f *promoteFlags) open(ctx context.Context, c *cli) (*accounts.Session, error) {
	sf := f.session
	sf.explicit, sf.logger = true, c.log.logger
	return openSession(ctx, sf)
}

// parseAccount reads --account: a positive id, or 0 when not given.
func parseAccount(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, usagef("--account %q is not an account id", s)
	}
	return n, nil
}

// refusal is a command line that is well formed but that the command
// will not carry out as given (a missing secret, a read-only target, no
// terminal to confirm on): exit 2, without pointing at the usage.
type refusal struct{ msg string }

func (e *refusal) Error() string { return e.msg }

func refusef(format string, args ...any) error { return &refusal{fmt.Sprintf(format, args...)} }

// fail prints a command's error and returns its exit status.
func (c *cli) fail(cmd string, err error) error {
	fmt.Fprintf(c.stderr, "mpconsole %s: %v\n", cmd, err)
	var r *refusal
	if errors.As(err, &r) {
		return exitStatus(2)
	}
	if isUsage(err) {
		fmt.Fprintf(c.stderr, "Run 'mpconsole %s --help' for usage.\n", cmd)
	}
	return exitStatus(exitCode(err))
}

// client returns the client of a profile ("" the session's) in an
// account (0 the profile's). A profile that does not exist is bad usage.
func sessionClient(ctx context.Context, s *accounts.Session, profile string, account int64) (*api.Client, error) {
	if profile == "" {
		profile = s.Profile
	}
	if _, ok := s.Accounts.Profile(profile); !ok {
		var names []string
		for _, p := range s.Accounts.Profiles() {
			names = append(names, p.Name)
		}
		return nil, usagef("no profile %q (profiles: %s)", profile, strings.Join(names, ", "))
	}
	cl, err := s.Accounts.Client(ctx, profile, account)
	if err != nil {
		return nil, fmt.Errorf("profile %q: %w", profile, err)
	}
	return cl, nil
}

// ---- export ----

const exportLong = `Writes an account's configuration to DIR as a tree of JSON files, one per
entity, named by its natural key (apps/NAME.json, apps/APP/platforms/OS.json,
…), server-set fields (ids, access keys, times) left out, keys sorted: a
directory that diffs well in git. A confidential setting is written as a
reference {"secret": "NAME"}, never its value.

DIR is created if needed. An earlier export in DIR is replaced kind by kind
(an entity deleted since loses its file); a non-empty directory that is not
an export is refused.

Credentials: --sandbox starts the embedded sandbox; otherwise the MPARTICLE_*
variables (profile "env"), else --profile NAME or the default profile of the
profiles file. --account N reads another account of the profile's credential.

Exit status: 0 success, 1 the API (or the connection, or DIR) failed, 2 bad usage.`

func (c *cli) exportCmd() *cobra.Command {
	var f promoteFlags
	var account string
	cmd := &cobra.Command{
		Use:   "export [--kinds KINDS] [--account N] DIR",
		Short: "Write an account's configuration as JSON files",
		Long:  exportLong + "\n\nKinds: " + strings.Join(promote.Kinds(), ", "),
		Example: `  mpconsole export --sandbox config/prod
  mpconsole export -p dev --account 2 --kinds apps,platforms config/staging`,
		Args:              usageArgs(1, 1, "DIR"),
		ValidArgsFunction: completeDirs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.runExport(cmd.Context(), &f, account, args[0])
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().StringVar(&account, "account", "", "account id (default: the profile's)")
	registerPromoteCompletions(cmd)
	return cmd
}

func (c *cli) runExport(ctx context.Context, f *promoteFlags, account, dir string) error {
	acct, err := parseAccount(account)
	if err == nil {
		err = f.check()
	}
	if err == nil && dir == "" {
		err = usagef("DIR is empty")
	}
	if err != nil {
		return c.fail("export", err)
	}
	s, err := f.open(ctx, c)
	if err != nil {
		return c.fail("export", err)
	}
	defer s.Close()
	cl, err := sessionClient(ctx, s, "", acct)
	if err != nil {
		return c.fail("export", err)
	}
	snap, err := promote.Take(ctx, cl, promote.Options{Kinds: f.kinds})
	if err != nil {
		return c.fail("export", fmt.Errorf("reading account %d: %w", cl.AccountID(), err))
	}
	if err := promote.Export(snap, dir); err != nil {
		return c.fail("export", err)
	}
	fmt.Fprintf(c.stdout, "exported account %d to %s: %s\n", cl.AccountID(), dir, kindCounts(snap))
	return nil
}

// kindCounts is "3 apps, 8 platforms, …": the entities of every kind the
// snapshot was taken for.
func kindCounts(s *promote.Snapshot) string {
	n := map[string]int{}
	for _, e := range s.Entries() {
		n[e.Kind]++
	}
	var parts []string
	for _, k := range s.Kinds {
		parts = append(parts, fmt.Sprintf("%d %s", n[k], k))
	}
	return strings.Join(parts, ", ")
}

// ---- diff ----

const diffLong = `Compares SOURCE with TARGET and prints what applying SOURCE to TARGET
would do, one line per entity or field:

  + app "Acme Shop"                  only in SOURCE: apply creates it
  ~ platform Acme Shop/iOS: crash_handling "AppDefined" → "ForceCatch"
                                      TARGET's value → SOURCE's
  - feed mP Traveller/old             only in TARGET

then what cannot be promoted, and why (workspaces, audiences and users have
no create in the API, a calculated attribute's active definition is not
written, …). Entities are matched by natural key (an app by name, a platform
by app and OS), never by id. No secret value is ever shown.

Each side is a directory written by 'mpconsole export' or an account:
  DIR        an existing directory (it always wins: write PROFILE/N for an
             account whose number is also a directory's name)
  N          account N with the current profile (-p, or the default)
  PROFILE/N  account N with the profile PROFILE
  PROFILE    the profile's own account

--kinds limits the comparison (default: a directory side's kinds, else every
kind). -o json prints the comparison as JSON for machines.

Exit status:
  0  applying SOURCE to TARGET would write nothing (what only TARGET has, and
     what cannot be promoted, are shown but do not count; with --prune what
     only TARGET has and the API can delete counts)
  3  applying would write something
  1  the API (or the connection, or a directory) failed
  2  bad usage`

// diffOutput is diff -o json.
type diffOutput struct {
	Source string   `json:"source"`
	Target string   `json:"target"`
	Kinds  []string `json:"kinds"`
	// Differences are the entities that are not the same, in dependency
	// order.
	Differences []promote.Difference `json:"differences"`
	// Blocked are the differences applying cannot write.
	Blocked []promote.Blocked `json:"blocked"`
	// Writes counts the requests applying would send: 0 is exit status 0.
	Writes int `json:"writes"`
}

func (c *cli) diffCmd() *cobra.Command {
	var f promoteFlags
	var output string
	var prune bool
	cmd := &cobra.Command{
		Use:   "diff SOURCE TARGET",
		Short: "Compare accounts and exported directories",
		Long:  diffLong,
		Example: `  mpconsole diff 1 2 --sandbox                 # two accounts of the embedded sandbox
  mpconsole diff config/prod prod/1             # a directory against account 1 of profile prod
  mpconsole diff dev/2 prod/7 -o json | jq .writes`,
		Args:              usageArgs(2, 2, "SOURCE TARGET"),
		ValidArgsFunction: completeDirs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.runDiff(cmd.Context(), &f, output, prune, args[0], args[1])
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().BoolVar(&prune, "prune", false, "count what only TARGET has (and the API can delete) as a difference, as apply --prune deletes it")
	registerPromoteCompletions(cmd)
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return []cobra.Completion{cobra.CompletionWithDesc("text", "one line per difference"), cobra.CompletionWithDesc("json", "for machines")},
			cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// side is one side of a comparison: a directory or an account.
type side struct {
	arg     string
	dir     string
	profile string // "": the session's
	account int64  // 0: the profile's
}

// parseSide reads a diff argument: an existing directory, else N,
// PROFILE/N or PROFILE.
func parseSide(arg string) (side, error) {
	if fi, err := os.Stat(arg); err == nil && fi.IsDir() {
		return side{arg: arg, dir: arg}, nil
	}
	bad := usagef("%q is neither a directory nor an account (N, PROFILE/N or PROFILE)", arg)
	if i := strings.LastIndex(arg, "/"); i >= 0 {
		n, err := strconv.ParseInt(arg[i+1:], 10, 64)
		if err != nil || n <= 0 || i == 0 {
			return side{}, bad
		}
		return side{arg: arg, profile: arg[:i], account: n}, nil
	}
	if n, err := strconv.ParseInt(arg, 10, 64); err == nil {
		if n <= 0 {
			return side{}, bad
		}
		return side{arg: arg, account: n}, nil
	}
	if arg == "" || strings.ContainsAny(arg, `\.`) {
		return side{}, bad // a path, not a profile
	}
	return side{arg: arg, profile: arg}, nil // the profile's own account
}

func (c *cli) runDiff(ctx context.Context, f *promoteFlags, output string, prune bool, a, b string) error {
	err := f.check()
	if err == nil && output != "text" && output != "json" {
		err = usagef("-o %q: want text or json", output)
	}
	var src, tgt side
	if err == nil {
		src, err = parseSide(a)
	}
	if err == nil {
		tgt, err = parseSide(b)
	}
	if err != nil {
		return c.fail("diff", err)
	}
	snaps := make([]*promote.Snapshot, 2)
	for i, sd := range []side{src, tgt} {
		if sd.dir == "" {
			continue
		}
		if snaps[i], err = promote.Import(sd.dir); err != nil {
			return c.fail("diff", err)
		}
	}
	kinds := f.kinds
	for _, s := range snaps {
		if kinds == nil && s != nil {
			kinds = s.Kinds
		}
	}
	if snaps[0] == nil || snaps[1] == nil {
		s, err := f.open(ctx, c)
		if err != nil {
			return c.fail("diff", err)
		}
		defer s.Close()
		for i, sd := range []side{src, tgt} {
			if snaps[i] != nil {
				continue
			}
			cl, err := sessionClient(ctx, s, sd.profile, sd.account)
			if err != nil && sd.account == 0 && isUsage(err) {
				err = usagef("%q is no directory, and %v", sd.arg, err)
			}
			if err != nil {
				return c.fail("diff", err)
			}
			if snaps[i], err = promote.Take(ctx, cl, promote.Options{Kinds: kinds}); err != nil {
				return c.fail("diff", fmt.Errorf("reading %s: %w", sd.arg, err))
			}
		}
	}
	plan := promote.MakePlan(snaps[0], snaps[1], promote.PlanOptions{Prune: prune})
	if output == "json" {
		out := diffOutput{Source: a, Target: b, Kinds: plan.Diff.Kinds, Differences: plan.Diff.Changed(),
			Blocked: plan.Blocked, Writes: len(plan.Steps)}
		if out.Differences == nil {
			out.Differences = []promote.Difference{}
		}
		if out.Blocked == nil {
			out.Blocked = []promote.Blocked{}
		}
		js, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return c.fail("diff", err)
		}
		if _, err := fmt.Fprintf(c.stdout, "%s\n", js); err != nil {
			return c.fail("diff", err)
		}
	} else if err := writeDiff(c.stdout, c.stderr, plan); err != nil {
		return c.fail("diff", err)
	}
	if len(plan.Steps) > 0 {
		return exitStatus(diffChanged)
	}
	return nil
}

// writeDiff prints the differences, then what cannot be promoted; a
// summary goes to stderr.
func writeDiff(stdout, stderr io.Writer, plan *promote.Plan) error {
	var b strings.Builder
	if err := plan.Diff.WriteText(&b, false); err != nil {
		return err
	}
	if len(plan.Blocked) > 0 {
		b.WriteString("\ncannot be promoted (not counted in the exit status):\n")
		for _, x := range plan.Blocked {
			fmt.Fprintf(&b, "! %s %s: %s\n", x.Status, x.Label(), x.Reason)
		}
	}
	if _, err := io.WriteString(stdout, b.String()); err != nil {
		return err
	}
	d := plan.Diff
	if len(d.Changed()) == 0 {
		_, err := fmt.Fprintln(stderr, "no differences")
		return err
	}
	_, err := fmt.Fprintf(stderr, "%d only in the source, %d differ, %d only in the target; %d writes to apply, %d cannot be promoted\n",
		d.Count(promote.SourceOnly), d.Count(promote.Differs), d.Count(promote.TargetOnly), len(plan.Steps), len(plan.Blocked))
	return err
}

// ---- apply ----

const applyLong = `Makes account N match DIR (written by 'mpconsole export', maybe edited):
prints the plan, asks for confirmation, then creates and updates in
dependency order (apps with their platforms, data points, service
configurations, filters, feeds, calculated attributes, …). What only the
account has is left alone unless --prune, which deletes it where the API can.
What cannot be promoted is listed and skipped.

--account is required: a write never goes to a profile's default account by
accident. A read-only target (a read_only profile, or --readonly) is refused
before anything is read; --dry-run is allowed there (it sends no write).

Confirmation: on a terminal apply asks (y/N). Without a terminal (a script,
CI) it refuses unless --yes is given.

Secrets: DIR holds references {"secret": "NAME"} in place of confidential
settings. apply sends a secret only where the account does not have it yet,
and takes its value from --secrets FILE (TOML, NAME = "value" lines; the file
must be readable by its owner only: chmod 600 FILE), else from the variable
MPCONSOLE_SECRET_NAME. A missing value stops apply before anything is sent,
naming it. No secret value is printed.

Every write is journalled in the state directory, as the console's edits
are (its :history lists them). A failure part-way stops apply: it prints
what was applied, what failed (and whether the server may have carried it
out) and what was not attempted, and exits 1. Running it again converges:
what the failed run created is found by its natural key, not created twice.

Exit status: 0 applied (or nothing to do, or a dry run), 1 the API (or the
connection, or DIR) failed or the confirmation was declined, 2 bad usage
(including a missing secret, a read-only target, no terminal without --yes).`

type applyOptions struct {
	promoteFlags
	account  string
	dryRun   bool
	prune    bool
	yes      bool
	readonly bool
	secrets  string
}

func (c *cli) applyCmd() *cobra.Command {
	o := &applyOptions{}
	cmd := &cobra.Command{
		Use:   "apply DIR --account N",
		Short: "Make an account match an exported directory",
		Long:  applyLong,
		Example: `  mpconsole apply config/prod --account 2 --dry-run       # the plan; nothing is sent
  mpconsole apply config/prod --account 2 --secrets prod-secrets.toml
  MPCONSOLE_SECRET_MIXPANEL_TOKEN_IOS_ACME_SHOP=… mpconsole apply config/prod --account 2 --yes`,
		Args:              usageArgs(1, 1, "DIR"),
		ValidArgsFunction: completeDirs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.runApply(cmd.Context(), o, args[0])
		},
	}
	fs := cmd.Flags()
	o.register(fs)
	fs.StringVar(&o.account, "account", "", "the account to change (required)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the plan and send nothing")
	fs.BoolVar(&o.prune, "prune", false, "delete what only the account has, where the API can")
	fs.BoolVarP(&o.yes, "yes", "y", false, "apply without asking (needed without a terminal)")
	fs.BoolVar(&o.readonly, "readonly", false, "refuse to write (a dry run is still allowed)")
	fs.StringVar(&o.secrets, "secrets", "", "TOML file of secret values, NAME = \"value\" (mode 0600)")
	registerPromoteCompletions(cmd)
	return cmd
}

func (c *cli) runApply(ctx context.Context, o *applyOptions, dir string) error {
	acct, err := parseAccount(o.account)
	if err == nil {
		err = o.check()
	}
	if err == nil && acct == 0 {
		err = usagef("--account N is required: the account to change")
	}
	if err == nil {
		if fi, serr := os.Stat(dir); serr != nil || !fi.IsDir() {
			err = usagef("%q is not a directory (write one with mpconsole export)", dir)
		}
	}
	if err == nil && !o.yes && !o.dryRun && !isTerminal(c.stdin) {
		err = refusef("no terminal to confirm on: run with --yes to apply without asking (check the plan first with --dry-run)")
	}
	var fileSecrets map[string]string
	if err == nil && o.secrets != "" {
		fileSecrets, err = readSecretsFile(o.secrets)
	}
	if err != nil {
		return c.fail("apply", err)
	}
	src, err := promote.Import(dir)
	if err != nil {
		return c.fail("apply", err)
	}
	if len(o.kinds) > 0 {
		// Apply only the kinds asked for: re-read DIR's entities of those.
		if src, err = onlyKinds(src, o.kinds); err != nil {
			return c.fail("apply", usagef("--kinds: %v", err))
		}
	}
	s, err := o.open(ctx, c)
	if err != nil {
		return c.fail("apply", err)
	}
	defer s.Close()
	prof, ok := s.Accounts.Profile(s.Profile)
	if ok && (prof.ReadOnly || o.readonly) && !o.dryRun {
		why := "--readonly"
		if prof.ReadOnly {
			why = fmt.Sprintf("the profile %q is read-only", s.Profile)
		}
		return c.fail("apply", refusef("%s: nothing was read or sent (a --dry-run is allowed)", why))
	}
	cl, err := sessionClient(ctx, s, "", acct)
	if err != nil {
		return c.fail("apply", err)
	}
	target, err := promote.Take(ctx, cl, promote.Options{Kinds: src.Kinds})
	if err != nil {
		return c.fail("apply", fmt.Errorf("reading account %d: %w", acct, err))
	}
	plan := promote.MakePlan(src, target, promote.PlanOptions{Prune: o.prune})
	fmt.Fprintf(c.stdout, "plan for account %d (profile %s):\n", acct, s.Profile)
	if err := plan.WriteText(c.stdout); err != nil {
		return c.fail("apply", err)
	}
	if plan.Empty() {
		return nil
	}
	if o.dryRun {
		fmt.Fprintf(c.stderr, "dry run: %d writes planned, nothing sent\n", len(plan.Steps))
		return nil
	}
	secrets, missing := resolveSecrets(plan.Secrets(), fileSecrets, os.Getenv)
	if len(missing) > 0 {
		return c.fail("apply", missingSecrets(missing, o.secrets))
	}
	if !o.yes {
		ok, err := c.confirm(ctx, fmt.Sprintf("Apply %d writes to account %d (profile %s)? [y/N] ", len(plan.Steps), acct, s.Profile))
		if err != nil {
			return c.fail("apply", err)
		}
		if !ok {
			fmt.Fprintln(c.stderr, "mpconsole apply: not applied; nothing was sent")
			return exitStatus(1)
		}
	}
	journal, err := openJournal(s)
	if err != nil {
		return c.fail("apply", fmt.Errorf("%w: nothing was sent", err))
	}
	rep, err := plan.Apply(ctx, cl, promote.ApplyOptions{Secrets: secrets, Journal: journal, Profile: s.Profile})
	var ms *promote.MissingSecretsError
	if errors.As(err, &ms) {
		return c.fail("apply", missingSecrets(ms.Names, o.secrets))
	}
	if rep != nil {
		fmt.Fprintln(c.stdout)
		if werr := rep.WriteText(c.stdout); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		n := 0
		if rep != nil {
			n = len(rep.Applied)
		}
		fmt.Fprintf(c.stderr, "mpconsole apply: %v\n", err)
		fmt.Fprintf(c.stderr, "mpconsole apply: %d of %d writes applied; run it again to converge\n", n, len(plan.Steps))
		return exitStatus(1)
	}
	fmt.Fprintf(c.stderr, "applied %d writes to account %d\n", len(rep.Applied), acct)
	return nil
}

// onlyKinds keeps the entities of the kinds asked for (and their parents,
// which the plan needs to place them).
func onlyKinds(s *promote.Snapshot, kinds []string) (*promote.Snapshot, error) {
	out, err := promote.NewSnapshot(kinds)
	if err != nil {
		return nil, err
	}
	for _, k := range out.Kinds {
		if !slices.Contains(s.Kinds, k) {
			return nil, fmt.Errorf("the directory has no %s (it holds %s)", k, strings.Join(s.Kinds, ", "))
		}
	}
	for _, e := range s.Entries() {
		if slices.Contains(out.Kinds, e.Kind) {
			if err := out.Add(e); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// missingSecrets is the error naming the secrets apply has no value for.
func missingSecrets(names []string, file string) error {
	where := "--secrets FILE"
	if file != "" {
		where = file
	}
	return refusef("no value for the secrets %s: give them in %s (NAME = \"value\") or as %s%s; nothing was sent",
		strings.Join(names, ", "), where, secretEnvPrefix, names[0])
}

// resolveSecrets looks the names up in the file's values, then in the
// MPCONSOLE_SECRET_<NAME> variables. An empty value is missing.
func resolveSecrets(names []string, file map[string]string, getenv func(string) string) (map[string]string, []string) {
	out := map[string]string{}
	var missing []string
	for _, n := range names {
		v := file[n]
		if v == "" {
			v = getenv(secretEnvPrefix + n)
		}
		if v == "" {
			missing = append(missing, n)
			continue
		}
		out[n] = v
	}
	return out, missing
}

// readSecretsFile reads --secrets: a TOML file of NAME = "value" lines,
// readable by its owner only. No error quotes the file's content.
func readSecretsFile(path string) (map[string]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, usagef("--secrets: %v", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, usagef("--secrets %s is not a regular file", path)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, refusef("--secrets %s may be read by other users (mode %04o): run chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("--secrets: %v", err)
	}
	var raw map[string]any
	if err := toml.Unmarshal(data, &raw); err != nil {
		line := ""
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line = fmt.Sprintf(" at line %d", pe.Position.Line)
		}
		return nil, usagef("--secrets %s is not valid TOML%s (want NAME = \"value\" lines)", path, line)
	}
	out := map[string]string{}
	for k, v := range raw {
		s, ok := v.(string)
		if !ok {
			return nil, usagef("--secrets %s: %s is not a string (want NAME = \"value\")", path, k)
		}
		out[k] = s
	}
	return out, nil
}

// confirm asks a yes/no question on stderr and reads the answer from
// stdin: only y or yes (any case) is yes. An interrupt (the context) while
// waiting is a no.
func (c *cli) confirm(ctx context.Context, question string) (bool, error) {
	fmt.Fprint(c.stderr, question)
	line, ok, err := readAnswer(ctx, c.stdin)
	if err != nil {
		return false, err
	}
	if !ok {
		fmt.Fprintln(c.stderr)
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// readAnswerBlocking reads a line in a goroutine, giving up on an
// interrupt (the goroutine then stays blocked in its read).
func readAnswerBlocking(ctx context.Context, stdin io.Reader) (string, bool, error) {
	type answer struct {
		line string
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		ch <- answer{line, err}
	}()
	select {
	case a := <-ch:
		if a.err != nil && !errors.Is(a.err, io.EOF) {
			return "", false, fmt.Errorf("reading the answer: %w", a.err)
		}
		return a.line, true, nil
	case <-ctx.Done():
		return "", false, nil
	}
}

// openJournal is the journal the console writes: in the session's state
// directory (the embedded sandbox's own), else the user's.
func openJournal(s *accounts.Session) (*state.Journal, error) {
	dir := s.StateDir
	if dir == "" {
		d, err := state.Dir()
		if err != nil {
			return nil, fmt.Errorf("no state directory for the journal of the writes (set XDG_STATE_HOME): %w", err)
		}
		dir = d
	}
	return state.NewJournal(dir), nil
}

// ---- completion ----

// registerPromoteCompletions completes --kinds and --profile.
func registerPromoteCompletions(cmd *cobra.Command) {
	_ = cmd.RegisterFlagCompletionFunc("kinds", completeKinds)
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfiles)
}

// completeKinds completes --kinds: a comma-separated list of the kinds a
// snapshot holds, each offered once.
func completeKinds(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	done, last := "", toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		done, last = toComplete[:i+1], toComplete[i+1:]
	}
	given := strings.Split(done, ",")
	var out []cobra.Completion
	for _, k := range promote.Kinds() {
		if strings.HasPrefix(k, last) && !slices.Contains(given, k) {
			out = append(out, done+k)
		}
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}

// completeDirs completes directory arguments.
func completeDirs(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveFilterDirs
}

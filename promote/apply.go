package promote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/state"
)

// ApplyOptions are what applying a plan needs besides the client.
type ApplyOptions struct {
	// Secrets maps secret reference names (SecretName) to their values in
	// the target. Every name a step needs must be here: a missing one stops
	// the apply before anything is sent.
	Secrets map[string]string
	// Journal records every write (nil: none), as the target account's
	// writes by Owner ("" locally) under Profile.
	Journal *state.Journal
	Owner   string
	Profile string
	Now     func() time.Time // stamps journal entries; default time.Now

	beforeStep func(i int, s Step) // tests: called before each step is sent
}

// MissingSecretsError names the secret references a plan needs and the
// apply was not given. Nothing was sent.
type MissingSecretsError struct {
	Names []string
}

func (e *MissingSecretsError) Error() string {
	return "no value for the secrets " + strings.Join(e.Names, ", ") + "; nothing was sent"
}

// Result is what became of one step.
type Result struct {
	Step Step   `json:"step"`
	ID   string `json:"id,omitempty"` // the entity's id in the target
	// Note says why a step that wrote nothing counts as applied (the
	// target already had the source's version).
	Note string `json:"note,omitempty"`
	Err  error  `json:"-"`
	// Error is Err's text, for the JSON form.
	Error string `json:"error,omitempty"`
	// MaybeApplied: the request failed in a way that leaves open whether
	// the server carried it out (a 504 on a create). Taking the target
	// again tells; applying again never creates a duplicate.
	MaybeApplied bool `json:"maybe_applied,omitempty"`
}

// Report is what an apply did: the steps applied, the one that failed (if
// any) and the steps not attempted after it.
type Report struct {
	Applied    []Result `json:"applied"`
	Failed     *Result  `json:"failed,omitempty"`
	NotApplied []Step   `json:"not_applied,omitempty"`
	// Warnings are problems that did not stop the apply (a write the
	// journal could not record).
	Warnings []string `json:"warnings,omitempty"`
}

// WriteText writes the report, one line per step.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, x := range r.Applied {
		fmt.Fprintf(&b, "applied %s %s", x.Step.Op, x.Step.Label())
		if x.Note != "" {
			fmt.Fprintf(&b, " (%s)", x.Note)
		}
		b.WriteByte('\n')
	}
	if f := r.Failed; f != nil {
		fmt.Fprintf(&b, "failed  %s %s: %v\n", f.Step.Op, f.Step.Label(), f.Err)
		if f.MaybeApplied {
			b.WriteString("        the server may have carried it out: apply again to converge\n")
		}
	}
	for _, s := range r.NotApplied {
		fmt.Fprintf(&b, "not applied %s %s\n", s.Op, s.Label())
	}
	for _, s := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", s)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Apply carries the plan out in the target account with c, step by step,
// and journals each write. It first checks that every secret the steps
// need has a value (a *MissingSecretsError otherwise, before anything is
// sent) and that c is a client of the account the plan's target snapshot
// was taken from. Updates go through UpdateIfUnchanged with the target's
// version the plan was made from as the base; a create's new ids are used
// for the creates under it. The first failure stops the apply: the report
// says what was applied, what failed and what was not attempted, and the
// error is the failure. Applying a fresh plan (Take the target again,
// MakePlan) converges without creating anything twice.
func (p *Plan) Apply(ctx context.Context, c *api.Client, o ApplyOptions) (*Report, error) {
	rep := &Report{}
	if p.target == nil {
		return rep, errors.New("the plan was not made against a target snapshot")
	}
	if p.target.Account != 0 && p.target.Account != c.AccountID() {
		return rep, fmt.Errorf("the plan is for account %d, the client works in account %d", p.target.Account, c.AccountID())
	}
	var missing []string
	for _, n := range p.Secrets() {
		if o.Secrets[n] == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		rep.NotApplied = slices.Clone(p.Steps)
		return rep, &MissingSecretsError{Names: missing}
	}
	refs := map[string]api.Ref{}
	for _, e := range p.target.entries {
		refs[id(e.Kind, e.Key)] = e.Self
	}
	a := applier{c: c, o: o, refs: refs, rep: rep}
	for i, s := range p.Steps {
		if o.beforeStep != nil {
			o.beforeStep(i, s)
		}
		res, err := a.step(ctx, s)
		if err != nil {
			res.Err, res.Error = err, err.Error()
			var ae *api.Error
			res.MaybeApplied = errors.As(err, &ae) && ae.MaybeApplied
			rep.Failed = &res
			rep.NotApplied = slices.Clone(p.Steps[i+1:])
			return rep, fmt.Errorf("%s %s: %w", s.Op, s.Label(), err)
		}
		rep.Applied = append(rep.Applied, res)
	}
	return rep, nil
}

type applier struct {
	c    *api.Client
	o    ApplyOptions
	refs map[string]api.Ref
	rep  *Report
}

// parentRef is the reference a step's entity is created under.
func (a *applier) parentRef(s Step) (api.Ref, error) {
	n := parentKeyLen(s.Kind)
	if n == 0 {
		return api.Ref{}, nil
	}
	sp, _, _ := specOf(s.Kind)
	ref, ok := a.refs[id(sp.parent, s.Key[:n])]
	if !ok {
		return nil, fmt.Errorf("no %s in the target to create it under", label(sp.parent, s.Key[:n]))
	}
	if sp.byService {
		ref = ref.With("service", s.Key[1])
	}
	return ref, nil
}

func (a *applier) step(ctx context.Context, s Step) (Result, error) {
	res := Result{Step: s}
	d, ok := api.Lookup(s.Kind)
	if !ok {
		return res, fmt.Errorf("the catalogue has no %s", s.Kind)
	}
	switch s.Op {
	case Create:
		ref, err := a.parentRef(s)
		if err != nil {
			return res, err
		}
		body, err := resolve(s.Body, nil, a.o.Secrets)
		if err != nil {
			return res, err
		}
		var ent api.Entity
		if s.upsert {
			if body, err = d.UpdateBody(body); err == nil {
				ent, err = a.c.Update(ctx, d, ref, "", body)
			}
		} else {
			ent, err = a.c.Create(ctx, d, ref, body)
		}
		if err != nil {
			return res, err
		}
		res.ID = ent.ID
		a.refs[id(s.Kind, s.Key)] = ent.Ref()
		if s.Kind == "apps" { // the platforms' references, for their service configurations
			for _, w := range s.With {
				a.refs[id("platforms", w)] = ent.Ref().With("platform", strings.ToLower(w[len(w)-1]))
			}
		}
		a.journal(state.OpCreate, d, ent.Parents, ent.ID, ent.Name, nil, ent.Raw)
	case Update:
		t := s.target
		edited, err := resolve(s.Body, t.Body, a.o.Secrets)
		if err != nil {
			return res, err
		}
		ur, err := a.c.UpdateIfUnchanged(ctx, d, t.Parents, t.ID, t.Raw, edited)
		var conflict *api.ConflictError
		if errors.As(err, &conflict) && a.alreadyThere(d, t, s, conflict.Current) {
			res.ID, res.Note = t.ID, "the target already has it"
			return res, nil
		}
		if err != nil {
			return res, err
		}
		res.ID = t.ID
		a.journal(state.OpUpdate, d, t.Parents, t.ID, ur.After.Name, ur.Before, ur.After.Raw)
	case Delete:
		t := s.target
		if err := a.c.Delete(ctx, d, t.Parents, t.ID); err != nil {
			return res, err
		}
		res.ID = t.ID
		a.journal(state.OpDelete, d, t.Parents, t.ID, "", t.Raw, nil)
	default:
		return res, fmt.Errorf("unknown operation %q", s.Op)
	}
	return res, nil
}

// alreadyThere reports whether the target's current version of an entity
// already has the source's values (an earlier step's cascade, or another
// writer, made the change): the step then has nothing to write.
func (a *applier) alreadyThere(d *api.Descriptor, t *Entry, s Step, current []byte) bool {
	body, err := normalize(d, current, t.Key)
	if err != nil {
		return false
	}
	ok, err := api.SameJSON(body, s.Body)
	return err == nil && ok
}

// journal records a write; a journal that cannot record it is a warning:
// the write happened.
func (a *applier) journal(op state.Op, d *api.Descriptor, parent api.Ref, id, name string, before, after []byte) {
	if a.o.Journal == nil {
		return
	}
	if d.Edit.DropMasked {
		// An echoed body does not say which settings are confidential:
		// mask every setting value not marked otherwise.
		after, _ = state.ScrubSettings(after, state.ConfidentialSettings(before), true)
	}
	now := time.Now
	if a.o.Now != nil {
		now = a.o.Now
	}
	e := state.Entry{Time: now(), Owner: a.o.Owner, Profile: a.o.Profile, BaseURL: a.c.V1BaseURL(), Account: a.c.AccountID(),
		Kind: d.Name, Parent: map[string]string(parent), ID: id, Name: name, Op: op, Before: before, After: after}
	if err := a.o.Journal.Append(e); err != nil {
		a.rep.Warnings = append(a.rep.Warnings, fmt.Sprintf("%s %s %s was written, but the journal could not record it: %v", op, d.Singular, id, err))
	}
}

// resolve turns a normalized body into one to send: secret references
// become their values. With target (an update), a setting whose reference
// the target already holds is left out (the target keeps its secret), and
// a setting only the target has is sent with a null value (cleared).
func resolve(body, target []byte, secrets map[string]string) ([]byte, error) {
	v, err := decode(body)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("the body is not a JSON object")
	}
	if target != nil {
		if sts, ok := m["settings"].([]any); ok {
			m["settings"] = updateSettings(sts, target)
		}
	}
	var fail error
	var walk func(any) any
	walk = func(n any) any {
		if name, ok := secretRef(n); ok {
			val, ok := secrets[name]
			if !ok || val == "" {
				fail = fmt.Errorf("no value for the secret %s", name)
			}
			return val
		}
		switch t := n.(type) {
		case map[string]any:
			for k, x := range t {
				t[k] = walk(x)
			}
		case []any:
			for i, x := range t {
				t[i] = walk(x)
			}
		}
		return n
	}
	walk(m)
	if fail != nil {
		return nil, fail
	}
	return json.Marshal(m)
}

func updateSettings(src []any, target []byte) []any {
	tv, err := decode(target)
	if err != nil {
		return src
	}
	tm, _ := tv.(map[string]any)
	tsts, _ := tm["settings"].([]any)
	theirs := map[string]any{}
	for _, s := range tsts {
		theirs[nameOf(s, "name")] = s
	}
	var out []any
	mine := map[string]bool{}
	for _, s := range src {
		n := nameOf(s, "name")
		mine[n] = true
		st, _ := s.(map[string]any)
		if ref, ok := secretRef(st["value"]); ok {
			if t, _ := theirs[n].(map[string]any); t != nil {
				if tref, ok := secretRef(t["value"]); ok && tref == ref {
					continue // the target keeps its own secret
				}
			}
		}
		out = append(out, s)
	}
	for _, s := range tsts {
		if n := nameOf(s, "name"); !mine[n] {
			out = append(out, map[string]any{"name": n, "value": nil})
		}
	}
	return out
}

// Promote takes the target account's snapshot for the source's kinds,
// plans, and unless dryRun applies the plan. The plan is returned in every
// case; the report is nil on a dry run.
func Promote(ctx context.Context, source *Snapshot, c *api.Client, po PlanOptions, ao ApplyOptions, dryRun bool) (*Plan, *Report, error) {
	target, err := Take(ctx, c, Options{Kinds: source.Kinds})
	if err != nil {
		return nil, nil, fmt.Errorf("reading the target account: %w", err)
	}
	plan := MakePlan(source, target, po)
	if dryRun {
		return plan, nil, nil
	}
	rep, err := plan.Apply(ctx, c, ao)
	return plan, rep, err
}
